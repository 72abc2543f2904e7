package cnnc.plot;

import cnnc.io.AtomicFiles;
import cnnc.report.EpochRecord;
import cnnc.report.History;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * loss.png: the course's plot_losses picture, two charts side by side, loss and accuracy per
 * epoch, each with its training and validation curve, under one title. Drawn with JFreeChart
 * into an image, so it needs no display.
 */
public final class LossPlot {
    public static final int WIDTH = 1200;
    public static final int HEIGHT = 500;

    // matplotlib's first two default colours, as in the course's plots.
    private static final Color TRAINING = new Color(0x1f, 0x77, 0xb4);
    private static final Color VALIDATION = new Color(0xff, 0x7f, 0x0e);
    private static final int TITLE_HEIGHT = 44;
    private static final int MAX_EPOCHS_WITH_MARKERS = 40;

    static {
        // Must be set before AWT starts; a server or CI has no display.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private LossPlot() {}

    public static void write(Path png, History history, String title) throws IOException {
        AtomicFiles.write(png, png(history, title));
    }

    /** The picture as PNG bytes, drawn in memory so that a failure to draw touches no file. */
    public static byte[] png(History history, String title) throws IOException {
        BufferedImage image = render(history, title, WIDTH, HEIGHT);
        var bytes = new java.io.ByteArrayOutputStream();
        if (!ImageIO.write(image, "png", bytes)) {
            throw new IOException("this Java runtime has no PNG writer");
        }
        return bytes.toByteArray();
    }

    public static BufferedImage render(History history, String title, int width, int height) {
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            drawTitle(g, title, width);
            double half = width / 2.0;
            double chartHeight = height - TITLE_HEIGHT;
            chart(history, "Loss", "loss", EpochRecord::loss, EpochRecord::valLoss)
                    .draw(g, new Rectangle2D.Double(0, TITLE_HEIGHT, half, chartHeight));
            chart(history, "Accuracy", "accuracy", EpochRecord::accuracy, EpochRecord::valAccuracy)
                    .draw(g, new Rectangle2D.Double(half, TITLE_HEIGHT, half, chartHeight));
        } finally {
            g.dispose();
        }
        return image;
    }

    // Centred; a title too wide for the picture is shortened with an ellipsis rather than clipped.
    private static void drawTitle(Graphics2D g, String title, int width) {
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
        g.setColor(Color.BLACK);
        FontMetrics metrics = g.getFontMetrics();
        String text = title;
        int room = width - 24;
        if (metrics.stringWidth(text) > room) {
            while (!text.isEmpty() && metrics.stringWidth(text + "…") > room) {
                text = text.substring(0, text.length() - 1);
            }
            text += "…";
        }
        g.drawString(text, (width - metrics.stringWidth(text)) / 2, 12 + metrics.getAscent());
    }

    private static JFreeChart chart(History history, String title, String measure,
            ToDoubleFunction<EpochRecord> training, ToDoubleFunction<EpochRecord> validation) {
        var data = new XYSeriesCollection();
        data.addSeries(series("training " + measure, history, training));
        XYSeries val = series("validation " + measure, history, validation);
        if (!val.isEmpty()) {
            data.addSeries(val); // no validation data: no empty legend entry either
        }

        var epochs = new NumberAxis("epoch");
        epochs.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        int last = history.isEmpty() ? 1 : history.last().epoch();
        int first = history.isEmpty() ? 1 : history.epochs().get(0).epoch();
        epochs.setRange(first - 0.5, last + 0.5); // half an epoch of margin keeps end markers inside
        var values = new NumberAxis(measure);
        values.setAutoRangeIncludesZero(false);
        Font labels = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
        Font ticks = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        for (NumberAxis axis : new NumberAxis[] {epochs, values}) {
            axis.setLabelFont(labels);
            axis.setTickLabelFont(ticks);
        }

        var renderer = new XYLineAndShapeRenderer(true, history.size() <= MAX_EPOCHS_WITH_MARKERS);
        Color[] colors = {TRAINING, VALIDATION};
        for (int i = 0; i < data.getSeriesCount(); i++) {
            renderer.setSeriesPaint(i, colors[i]);
            renderer.setSeriesStroke(i, new BasicStroke(2f));
            renderer.setSeriesShape(i, new Ellipse2D.Double(-3, -3, 6, 6));
        }

        var plot = new XYPlot(data, epochs, values, renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        plot.setRangeGridlinePaint(new Color(0xdd, 0xdd, 0xdd));
        plot.setOutlinePaint(Color.GRAY);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);

        var chart = new JFreeChart(title, new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, false);
        chart.setBackgroundPaint(Color.WHITE);
        chart.setPadding(new RectangleInsets(4, 12, 8, 16));
        var legend = new LegendTitle(plot);
        legend.setPosition(RectangleEdge.BOTTOM);
        legend.setItemFont(labels);
        legend.setFrame(BlockBorder.NONE);
        legend.setBackgroundPaint(Color.WHITE);
        chart.addLegend(legend);
        return chart;
    }

    // NaN points are left out (a diverged or unvalidated epoch), not drawn as zero.
    private static XYSeries series(String name, History history, ToDoubleFunction<EpochRecord> value) {
        var series = new XYSeries(name, false, true);
        for (EpochRecord e : history.epochs()) {
            double v = value.applyAsDouble(e);
            if (Double.isFinite(v)) {
                series.add(e.epoch(), v);
            }
        }
        return series;
    }
}
