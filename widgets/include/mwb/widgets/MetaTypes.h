#pragma once
// The plain structs that travel between threads in queued signals, declared to Qt's
// meta-type system. Call registerMetaTypes() once before the first queued connection.

#include <QMetaType>
#include <vector>

#include "mwb/config/StudyListener.h"
#include "mwb/config/StudyTable.h"
#include "mwb/config/Config.h"
#include "mwb/config/Metrics.h"
#include "mwb/config/TrainListener.h"
#include "mwb/widgets/AugmentationPreview.h"
#include "mwb/widgets/ImageGallery.h"
#include "mwb/widgets/PredictPanel.h"

Q_DECLARE_METATYPE(mwb::train::Config)
Q_DECLARE_METATYPE(mwb::train::StepMetrics)
Q_DECLARE_METATYPE(mwb::train::EpochMetrics)
Q_DECLARE_METATYPE(mwb::train::EvalReport)
Q_DECLARE_METATYPE(mwb::train::RunStart)
Q_DECLARE_METATYPE(mwb::study::StudyRunEvent)
Q_DECLARE_METATYPE(std::vector<mwb::study::StudyRow>)
Q_DECLARE_METATYPE(mwb::train::Advice)
Q_DECLARE_METATYPE(mwb::widgets::GalleryItem)
Q_DECLARE_METATYPE(std::vector<mwb::widgets::GalleryItem>)
Q_DECLARE_METATYPE(std::vector<mwb::widgets::PreviewPair>)
Q_DECLARE_METATYPE(std::vector<mwb::widgets::PredictRow>)

namespace mwb::widgets {

/// Registers the structs above by name, so queued connections and QVariant carry them.
inline void registerMetaTypes() {
    qRegisterMetaType<mwb::train::Config>("mwb::train::Config");
    qRegisterMetaType<mwb::train::StepMetrics>("mwb::train::StepMetrics");
    qRegisterMetaType<mwb::train::EpochMetrics>("mwb::train::EpochMetrics");
    qRegisterMetaType<mwb::train::EvalReport>("mwb::train::EvalReport");
    qRegisterMetaType<mwb::train::RunStart>("mwb::train::RunStart");
    qRegisterMetaType<mwb::study::StudyRunEvent>("mwb::study::StudyRunEvent");
    qRegisterMetaType<std::vector<mwb::study::StudyRow>>("std::vector<mwb::study::StudyRow>");
    qRegisterMetaType<mwb::train::Advice>("mwb::train::Advice");
    qRegisterMetaType<std::vector<mwb::widgets::GalleryItem>>("std::vector<mwb::widgets::GalleryItem>");
    qRegisterMetaType<std::vector<mwb::widgets::PreviewPair>>("std::vector<mwb::widgets::PreviewPair>");
    qRegisterMetaType<std::vector<mwb::widgets::PredictRow>>("std::vector<mwb::widgets::PredictRow>");
}

}  // namespace mwb::widgets
