package cnnc.cli;

import cnnc.codegen.Backend;
import cnnc.train.DataSplit;
import cnnc.train.TrainingConfig;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The settings a checkpoint records and a resume must match, by name, as people read them. Every
 * one of them changes the weights, so a resume with another value would not continue the same run.
 * The epoch count is not among them (a resume goes on to a new --epochs) except through the cosine
 * schedule, whose curve is drawn over the run's epochs.
 */
final class RunSettings {
    private RunSettings() {}

    static LinkedHashMap<String, String> of(TrainingConfig config, Backend backend, DataSplit data) {
        var settings = new LinkedHashMap<String, String>();
        settings.put("batch", Integer.toString(config.batch()));
        settings.put("seed", Long.toString(config.seed()));
        settings.put("threads", Integer.toString(config.threads()));
        settings.put("backend", backend.name().toLowerCase(Locale.ROOT));
        settings.put("optimizer", config.newOptimizer().describe());
        settings.put("schedule", config.schedule().isPresent() ? describeSchedule(config) : "none");
        settings.put("validation", data.describeValidation());
        settings.put("patience", config.patience() == 0 ? "none" : Integer.toString(config.patience()));
        settings.put("positive class", Integer.toString(config.positiveClass()));
        settings.put("data", String.format(Locale.ROOT, "%,d training images, %,d validation images, content hash %08x",
                data.train().count(), data.validation().count(), 31 * data.train().hashCode() + data.validation().hashCode()));
        return settings;
    }

    private static String describeSchedule(TrainingConfig config) {
        String text = config.schedule().get().describe();
        return text.startsWith("cosine") ? text + " over " + config.epochs() + " epochs" : text;
    }

    /** "threads: 4 here, 2 in the checkpoint; ..." for each setting that differs, or empty when none does. */
    static String differences(Map<String, String> here, Map<String, String> checkpoint) {
        var out = new StringBuilder();
        for (var entry : here.entrySet()) {
            String saved = checkpoint.get(entry.getKey());
            if (!entry.getValue().equals(saved)) {
                out.append(out.length() == 0 ? "" : "; ").append(entry.getKey()).append(": ").append(entry.getValue())
                        .append(" here, ").append(saved == null ? "not recorded" : saved).append(" in the checkpoint");
            }
        }
        return out.toString();
    }
}
