#pragma once
// The Studies tab: choose a study (mode, items or grid keys, seeds, parallel runs), start, stop
// and resume it, watch its runs finish, and read what each variant was worth: a table of the
// variants and a chart of their gains with error bars. Knows the study's plain types only;
// app/gui/StudyController answers its requests, runs the study on a worker thread
// (StudyWorker) and feeds the results back.

#include <QString>
#include <QWidget>
#include <vector>

#include "mwb/config/StudyListener.h"
#include "mwb/config/StudyPlan.h"
#include "mwb/config/StudyTable.h"

class QCheckBox;
class QComboBox;
class QCustomPlot;
class QLabel;
class QLineEdit;
class QListWidget;
class QPushButton;
class QSpinBox;
class QTableWidget;
class QTreeWidget;

namespace mwb::widgets {

class StudyPanel : public QWidget {
    Q_OBJECT
public:
    explicit StudyPanel(QWidget* parent = nullptr);

    /// The study the controls describe, starting from `base` (the recipe panel's config).
    /// Throws mwb::Error for a grid text that does not parse.
    study::StudySpec spec(const train::Config& base) const;
    /// Sets the controls: the mode, the items checked (item modes) and the seeds.
    void choose(study::StudyMode mode, const std::vector<std::string>& items, int seeds);

    /// Runs at once (1: one after another in the app).
    int parallel() const;
    void setParallelLimit(int cores);

    /// Shows the study in `dir` as planned (every run pending) and remembers its folder.
    void showStudy(const QString& dir, const study::StudySpec& spec);
    QString studyDir() const { return dir_; }

    void runStarted(const study::StudyRunEvent& run);
    void runEnded(const study::StudyRunEvent& run);
    /// Replaces the variants table and the chart.
    void setTable(const std::vector<study::StudyRow>& rows);
    /// One line on what the study is doing (the current run's epoch and step).
    void setStatus(const QString& text);
    /// Start and the settings are disabled while a study runs; Stop is enabled.
    void setRunning(bool running);

    /// Selects the variant row `index` of the table (tests, screenshots).
    void selectVariant(int index);

    QTableWidget* variantsTable() const { return variants_; }
    QTreeWidget* runsTree() const { return runs_; }
    QCustomPlot* chart() const { return chart_; }
    QPushButton* applyButton() const { return apply_; }

Q_SIGNALS:
    void startRequested();
    void stopRequested();
    /// Continue the study shown (its folder is studyDir()).
    void resumeRequested();
    /// Open another study folder to show and continue.
    void openRequested();
    /// "Apply to the recipe": the selected variant's config (its first seed's).
    void applyRequested(const mwb::train::Config& config);
    /// A finished or started run was selected: show its curves.
    void runSelected(const QString& runDir);

private:
    void modeChanged();
    void drawChart();

    QComboBox* mode_;
    QListWidget* items_;
    QLineEdit* grid_;
    QSpinBox* seeds_;
    QSpinBox* parallel_;
    QPushButton *start_, *stop_, *resume_, *open_, *apply_;
    QLabel* folder_;
    QLabel* status_;
    QTableWidget* variants_;
    QTreeWidget* runs_;
    QCustomPlot* chart_;

    QString dir_;
    study::StudySpec spec_;
    study::StudyPlan plan_;
    std::vector<study::StudyRow> rows_;
};

}  // namespace mwb::widgets
