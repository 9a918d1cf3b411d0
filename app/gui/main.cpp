// mamba-workbench: the desktop app.

#include <QApplication>
#include <QComboBox>
#include <QMainWindow>
#include <QVBoxLayout>

#include "mwb/sys/Threads.h"
#include "mwb/train/Presets.h"
#include "mwb/widgets/ConfigView.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName("Mamba Workbench");
    QApplication::setOrganizationName("mamba-workbench");
    mwb::sys::configureThreads(0);

    QMainWindow window;
    auto* central = new QWidget;
    auto* layout = new QVBoxLayout(central);
    auto* presets = new QComboBox;
    for (const auto& name : mwb::train::presetNames()) presets->addItem(QString::fromStdString(name));
    auto* view = new mwb::widgets::ConfigView;
    layout->addWidget(presets);
    layout->addWidget(view);
    auto show = [view](const QString& name) {
        view->setConfig(mwb::train::loadPreset(name.toStdString()));
    };
    QObject::connect(presets, &QComboBox::currentTextChanged, show);
    show(presets->currentText());
    window.setCentralWidget(central);
    window.setWindowTitle("Mamba Workbench");
    window.resize(1100, 750);
    window.show();
    return app.exec();
}
