#pragma once
// The past runs found in the runs folder, newest first, with their best accuracy.

#include <QString>
#include <QTreeWidget>
#include <vector>

namespace mwb::widgets {

/// One run as the list shows it (filled by the app from the engine's run index).
struct RunRow {
    QString path;           // the run directory
    QString name;           // its folder name
    QString dataset;        // data set trained on
    qint64 epochsDone = 0;  // epochs finished
    qint64 epochs = 0;      // epochs planned
    double bestTop1 = -1;   // best top-1 in [0, 1]; -1 before the first evaluation
    bool finished = false;  // ran to the last epoch
};

/// Lists RunRows; selecting one announces its path.
class RunsList : public QTreeWidget {
    Q_OBJECT
public:
    explicit RunsList(QWidget* parent = nullptr);

    /// Replaces the rows, keeping the selection when that run is still there.
    void setRuns(const std::vector<RunRow>& runs);

    /// The selected run's directory, or an empty string.
    QString selectedPath() const;

    /// The row of `path`, or nullptr.
    const RunRow* run(const QString& path) const;

    /// Selects the run with `path` (emits runSelected when found).
    void selectPath(const QString& path);

Q_SIGNALS:
    /// A run was selected (its directory).
    void runSelected(const QString& path);

private:
    std::vector<RunRow> runs_;
};

}  // namespace mwb::widgets
