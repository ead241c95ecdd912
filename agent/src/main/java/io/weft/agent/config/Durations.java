package io.weft.agent.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** Parses the duration forms of SPEC §2: {@code 300}, {@code 300s}, {@code 5m}, {@code 1h}, {@code 1d}, {@code 250ms}, {@code PT5M}. */
public final class Durations {

    private Durations() {
    }

    /**
     * Parses {@code text} into a positive duration.
     *
     * @throws IllegalArgumentException naming the text and the accepted forms
     */
    public static Duration parse(String text) {
        String s = text.trim();
        Duration d;
        try {
            d = s.regionMatches(true, 0, "P", 0, 1) ? Duration.parse(s.toUpperCase(Locale.ROOT)) : parseShort(s);
        } catch (DateTimeParseException | NumberFormatException | ArithmeticException e) {
            d = null;
        }
        if (d == null) {
            throw new IllegalArgumentException("unparsable duration '" + text
                    + "' (use 300, 300s, 250ms, 5m, 1h, 1d or ISO-8601 such as PT5M)");
        }
        if (d.toMillis() < 1) {
            throw new IllegalArgumentException("duration '" + text + "' must be at least 1ms");
        }
        return d;
    }

    private static Duration parseShort(String s) {
        int unitStart = s.length();
        while (unitStart > 0 && !Character.isDigit(s.charAt(unitStart - 1))) {
            unitStart--;
        }
        if (unitStart == 0) {
            return null;
        }
        long amount = Long.parseLong(s.substring(0, unitStart));
        switch (s.substring(unitStart).toLowerCase(Locale.ROOT)) {
            case "":
            case "s":
                return Duration.ofSeconds(amount);
            case "ms":
                return Duration.ofMillis(amount);
            case "m":
                return Duration.ofMinutes(amount);
            case "h":
                return Duration.ofHours(amount);
            case "d":
                return Duration.ofDays(amount);
            default:
                return null;
        }
    }

    /** Formats a duration the short way ({@code 5m}, {@code 250ms}) for log lines. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 86_400_000 == 0) {
            return ms / 86_400_000 + "d";
        }
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }
}
