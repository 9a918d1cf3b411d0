#include <QPushButton>
#include <QSignalSpy>
#include <QtTest>

#include "mwb/widgets/AugmentationPreview.h"
#include "mwb/widgets/ImageGallery.h"

using mwb::widgets::AugmentationPreview;
using mwb::widgets::PreviewPair;

class AugmentationPreviewTest : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void showsPairsWithTheirOps() {
        AugmentationPreview preview;
        std::vector<PreviewPair> pairs;
        for (int i = 0; i < 6; ++i) {
            QImage original(28, 28, QImage::Format_Grayscale8);
            original.fill(i * 30);
            QImage augmented = original.mirrored(true, false);
            pairs.push_back({original, augmented, {"Rotate 0.40", "Posterize 5"}, "Shirt"});
        }
        preview.setPairs(pairs, "AutoAugment cifar10");
        QCOMPARE(preview.pairCount(), 6);
        QVERIFY(preview.pairToolTip(2).contains("Rotate 0.40, Posterize 5"));
        QVERIFY(preview.pairToolTip(2).contains("Shirt"));
        QVERIFY(preview.pairToolTip(9).isEmpty());
        QCOMPARE(preview.findChildren<QFrame*>().size() >= 6, true);
        int withTip = 0;
        for (auto* frame : preview.findChildren<QFrame*>())
            if (frame->toolTip().contains("ops applied")) ++withTip;
        QCOMPARE(withTip, 6);
        preview.setPairs({pairs[0]});
        QCOMPARE(preview.pairCount(), 1);
        withTip = 0;
        for (auto* frame : preview.findChildren<QFrame*>())
            if (frame->toolTip().contains("ops applied")) ++withTip;
        QCOMPARE(withTip, 1);  // the old cells are gone
    }

    void rerollAsks() {
        AugmentationPreview preview;
        QSignalSpy asked(&preview, &AugmentationPreview::rerollRequested);
        for (auto* b : preview.findChildren<QPushButton*>())
            if (b->text() == "Re-roll") b->click();
        QCOMPARE(asked.count(), 1);
    }

    void smallImagesAreEnlargedCrisply() {
        QImage img(28, 28, QImage::Format_RGB32);
        img.fill(Qt::black);
        img.setPixelColor(0, 0, Qt::white);
        const QPixmap p = mwb::widgets::crispPixmap(img, 96);
        QCOMPARE(p.width(), 84);  // 3 x 28: integer factor, no blur
        const QImage back = p.toImage();
        QCOMPARE(back.pixelColor(2, 2), QColor(Qt::white));
        QCOMPARE(back.pixelColor(3, 3), QColor(Qt::black));
    }
};

QTEST_MAIN(AugmentationPreviewTest)
#include "AugmentationPreviewTest.moc"
