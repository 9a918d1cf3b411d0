#pragma once
// The Predict tab: a trained model asked about image files. The user opens or drops images or
// a folder and picks the checkpoint (the selected run's best one, or any file); each image is
// shown with its top classes as bars. Images from a folder of <class>/ sub-folders come with
// their true class: the wrong answers are listed first, under an accuracy line. The panel only
// shows what it is given (PredictRow); the app runs the model on a worker.

#include <QImage>
#include <QString>
#include <QStringList>
#include <QWidget>
#include <vector>

class QGroupBox;
class QLabel;
class QListWidget;
class QProgressBar;
class QPushButton;
class QTableWidget;

namespace mwb::widgets {

class CheckpointChoice;

/// One image's answer, as the panel shows it.
struct PredictRow {
    QString path;
    QImage thumbnail;                   // may be null (the row then has no picture)
    QStringList classes;                // the top classes, most probable first
    std::vector<double> probabilities;  // theirs, in [0, 1]
    QString trueClass;                  // its class from a labelled folder; empty: not known

    bool labelled() const { return !trueClass.isEmpty(); }
    /// Labelled, and the most probable class is not its class.
    bool wrong() const { return labelled() && (classes.isEmpty() || classes.front() != trueClass); }
    /// Labelled, and its class is among the classes shown.
    bool inTop() const { return labelled() && classes.contains(trueClass); }
};

/// The Predict tab. It asks for predictions by signal; the app runs them on a worker.
class PredictPanel : public QWidget {
    Q_OBJECT
public:
    /// Columns of the results table.
    enum Column { PictureColumn, FileColumn, TrueColumn, ClassesColumn, ColumnCount };
    /// Item data of the classes column: the names (QStringList) and the probabilities
    /// (QVariantList of double) the bars are drawn from.
    static constexpr int NamesRole = Qt::UserRole;
    static constexpr int ProbabilitiesRole = Qt::UserRole + 1;

    explicit PredictPanel(QWidget* parent = nullptr);

    /// The checkpoint file that answers.
    void setCheckpoint(const QString& path);
    QString checkpoint() const;

    /// The images to predict: files, folders, or text files listing paths.
    void setInputs(const QStringList& inputs);
    QStringList inputs() const { return inputs_; }

    /// The EMA copy of the weights instead of the raw ones.
    bool useEma() const;
    void setUseEma(bool ema);

    /// Views averaged by test-time augmentation (1 when TTA is off).
    int ttaViews() const;
    void setTta(bool enabled, int views);

    /// Clears the results and locks the controls while a prediction runs.
    void setRunning(bool running);
    bool isRunning() const { return running_; }
    void setProgress(qint64 done, qint64 total);

    /// Forgets the rows, skipped files and accuracy of the last prediction.
    void clearResults();
    /// Adds a batch's rows: wrong ones after the wrong ones already shown, the rest at the end.
    void addRows(const std::vector<PredictRow>& rows);
    /// A file that could not be read; it is listed under the table.
    void addSkipped(const QString& path, const QString& reason);
    /// The line under the controls once the prediction ended (images, time, stop).
    void setStatus(const QString& text);

    /// The rows in the order shown.
    int rowCount() const { return static_cast<int>(shown_.size()); }
    const PredictRow& row(int i) const { return shown_.at(static_cast<size_t>(i)); }
    /// The wrong rows among them (they come first).
    int wrongCount() const { return wrong_; }
    /// "top-1 87.50 % (21 of 24) · top-5 100.00 %" over the labelled rows; empty when none.
    QString accuracyText() const;
    QString statusText() const;
    /// "path: reason" per skipped file.
    QStringList skippedFiles() const;
    /// The results table (its classes column holds the bars' data, see NamesRole).
    QTableWidget* table() const { return table_; }

Q_SIGNALS:
    /// Predict `inputs` with `checkpoint`, the chosen weights and views.
    void predictRequested(const QStringList& inputs, const QString& checkpoint, bool ema, int ttaViews);
    /// Stop the running prediction.
    void stopRequested();

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    void insertRow(int at, const PredictRow& row);
    void updateAccuracy();
    void updateButtons();

    QStringList inputs_;
    std::vector<PredictRow> shown_;
    int wrong_ = 0;
    int labelled_ = 0, top1_ = 0, top5_ = 0;
    bool running_ = false;

    CheckpointChoice* choice_ = nullptr;
    QLabel* inputsLabel_ = nullptr;
    QPushButton* openImages_ = nullptr;
    QPushButton* openFolder_ = nullptr;
    QPushButton* predict_ = nullptr;
    QPushButton* stop_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QLabel* accuracy_ = nullptr;
    QLabel* status_ = nullptr;
    QTableWidget* table_ = nullptr;
    QGroupBox* skippedBox_ = nullptr;  // shown once a file is skipped
    QListWidget* skipped_ = nullptr;
};

}  // namespace mwb::widgets
