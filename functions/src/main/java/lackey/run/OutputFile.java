package lackey.run;

import java.util.Optional;

/**
 * A file a run wrote to its exchange folder, {@code exchange/{id}/out/{name}}, as an object key names it.
 * Anything else (inputs, logs, nested folders, bad ids or names) is not an output.
 */
public record OutputFile(RunId run, String name) {

    /** The output a bucket key names, or empty when the key is not {@code exchange/{id}/out/{name}}. */
    public static Optional<OutputFile> fromKey(String key) {
        if (key == null || !key.startsWith(ExchangeFolder.ROOT)) {
            return Optional.empty();
        }
        String rest = key.substring(ExchangeFolder.ROOT.length());
        int slash = rest.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        RunId run;
        try {
            run = RunId.parse(rest.substring(0, slash));
        } catch (InvalidInput e) {
            return Optional.empty();
        }
        String side = rest.substring(slash + 1);
        if (!side.startsWith("out/")) {
            return Optional.empty();
        }
        String name = side.substring("out/".length());
        if (name.isEmpty() || name.length() > 1024 || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0
                || name.equals(".") || name.equals("..") || name.chars().anyMatch(Character::isISOControl)) {
            return Optional.empty();
        }
        return Optional.of(new OutputFile(run, name));
    }

    /**
     * The output {@code "<run id>/<name>"} names (how a run says which file it waits for); the name follows
     * the rules of output names, the run id the one form of {@link RunId#parse}; nothing around it.
     */
    public static OutputFile parse(String reference) {
        String text = TextField.singleLine("waitFor", reference);
        int slash = text.indexOf('/');
        if (slash <= 0) {
            throw new InvalidInput("waitFor must be <run id>/<output name>");
        }
        RunId run = RunId.parse(text.substring(0, slash));
        return fromKey(ExchangeFolder.key(run, ExchangeFolder.Side.OUT, text.substring(slash + 1)))
                .orElseThrow(() -> new InvalidInput("waitFor: not a valid output name: " + text.substring(slash + 1)));
    }

    /** {@code "<run id>/<name>"}, as {@link #parse} reads it. */
    public String reference() {
        return run + "/" + name;
    }

    /** The object key of this output. */
    public String key() {
        return ExchangeFolder.key(run, ExchangeFolder.Side.OUT, name);
    }
}
