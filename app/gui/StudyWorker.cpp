#include "StudyWorker.h"

#include "mwb/study/StudyRunner.h"

namespace mwb::gui {

StudyWorker::StudyWorker(QObject* parent) : QObject(parent) {}

void StudyWorker::run(const QString& dir, int parallel, const QString& program) {
    control_.stop = false;
    bool stopped = false;
    int failedRuns = 0;
    try {
        const auto outcome = study::runStudy(dir.toStdString(), *this, control_,
                                             {parallel, program.toStdString()});
        stopped = outcome.stopped;
        failedRuns = static_cast<int>(outcome.failed);
    } catch (const std::exception& e) {
        Q_EMIT failed(QString::fromUtf8(e.what()));
    }
    control_.stop = false;
    Q_EMIT finished(stopped, failedRuns);
}

}  // namespace mwb::gui
