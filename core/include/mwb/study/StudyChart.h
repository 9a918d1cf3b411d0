#pragma once
// The study's chart as a PNG for the CLI: one horizontal bar per variant with its gain over the
// reference in percentage points, and an error bar of the noise the gain must clear, so a bar
// whose error bar crosses zero is within the noise.

#include <string>
#include <vector>

#include "mwb/config/StudyTable.h"

namespace mwb::study {

/// Writes the chart of `rows` (the reference row is the zero line) to `pngPath`, atomically.
/// `title` heads it. Throws mwb::Error when there is nothing to draw or it cannot be written.
void writeStudyChart(const std::vector<StudyRow>& rows, const std::string& title,
                     const std::string& pngPath);

}  // namespace mwb::study
