package io.weft.agent.keys;

import java.util.ArrayList;
import java.util.List;

/**
 * The keys that a template bound to a method can render ({@link Values#render}), as a small automaton over their
 * characters, for {@link KeySpaces}. A literal is itself; a placeholder of a {@code long}, {@code int}, {@code short}
 * or {@code byte} renders one or more of {@code -} and digits, a {@code boolean} {@code true} or {@code false}, a
 * {@code UUID} one or more lowercase hex digits and {@code -}, and their boxed types ({@code UUID} too) also
 * {@code null}. Any other placeholder (a string, an enum, a property path, a collection…) renders any text in which a
 * {@code \} escapes the character after it and every {@code :} is escaped. The keys may include some that no
 * arguments render, never miss one: two patterns that do not intersect share no key.
 */
final class KeyPattern {

    private static final Chars INTEGRAL = Chars.of("-0123456789");
    private static final Chars UUID = Chars.of("-0123456789abcdef");
    private static final Chars UNESCAPED = Chars.allBut(":\\");
    private static final Chars BACKSLASH = Chars.of("\\");
    private static final Chars EVERY = Chars.allBut("");

    /** Each state's moves: reading a character of a set ({@code null}: reading none) into another state. */
    private final List<List<Move>> moves = new ArrayList<>();
    /** The state after a whole key; state 0 is the one before it. */
    private final int end;

    private KeyPattern(Template template, Signature signature) {
        int at = literal(state(), template.literals().get(0));
        for (int i = 0; i < template.placeholders().size(); i++) {
            at = literal(placeholder(at, template, template.placeholders().get(i), signature),
                    template.literals().get(i + 1));
        }
        end = at;
    }

    /** The keys of {@code template}, bound to {@code signature} (it names each placeholder's type). */
    static KeyPattern of(Template template, Signature signature) {
        return new KeyPattern(template, signature);
    }

    /** Whether some key is one of these and one of {@code other}'s: the pair of ends is reachable in both at once. */
    boolean intersects(KeyPattern other) {
        int width = other.moves.size();
        boolean[] seen = new boolean[moves.size() * width];
        int[] pending = new int[seen.length];
        int count = 0;
        pending[count++] = 0;
        seen[0] = true;
        while (count > 0) {
            int pair = pending[--count];
            int mine = pair / width;
            int theirs = pair % width;
            if (mine == end && theirs == other.end) {
                return true;
            }
            for (Move move : moves.get(mine)) {
                if (move.chars == null) {
                    count = visit(seen, pending, count, move.to * width + theirs);
                    continue;
                }
                for (Move their : other.moves.get(theirs)) {
                    if (their.chars != null && move.chars.overlaps(their.chars)) {
                        count = visit(seen, pending, count, move.to * width + their.to);
                    }
                }
            }
            for (Move their : other.moves.get(theirs)) {
                if (their.chars == null) {
                    count = visit(seen, pending, count, mine * width + their.to);
                }
            }
        }
        return false;
    }

    /** Adds {@code pair} to the {@code count} pending ones unless seen; returns how many are pending. */
    private static int visit(boolean[] seen, int[] pending, int count, int pair) {
        if (seen[pair]) {
            return count;
        }
        seen[pair] = true;
        pending[count] = pair;
        return count + 1;
    }

    /** Adds the moves from {@code from} that render {@code placeholder}; returns the state after it. */
    private int placeholder(int from, Template template, Template.Placeholder placeholder, Signature signature) {
        String type = placeholder.isReturn() || !placeholder.path().isEmpty() || placeholder.each() ? ""
                : signature.parameterType(TemplateBinder.indexOf(template, placeholder, signature));
        int to = state();
        switch (type) {
            case "long":
            case "int":
            case "short":
            case "byte":
                run(from, INTEGRAL, to);
                break;
            case "java.lang.Long":
            case "java.lang.Integer":
            case "java.lang.Short":
            case "java.lang.Byte":
                run(from, INTEGRAL, to);
                move(literal(from, "null"), null, to);
                break;
            case "boolean":
            case "java.lang.Boolean":
                move(literal(from, "true"), null, to);
                move(literal(from, "false"), null, to);
                if (type.equals("java.lang.Boolean")) {
                    move(literal(from, "null"), null, to);
                }
                break;
            case "java.util.UUID":
                run(from, UUID, to);
                move(literal(from, "null"), null, to);
                break;
            default:
                int escape = state();
                move(from, null, to);
                move(to, UNESCAPED, to);
                move(to, BACKSLASH, escape);
                move(escape, EVERY, to);
        }
        return to;
    }

    /** One or more characters of {@code chars}, from {@code from} to {@code to}. */
    private void run(int from, Chars chars, int to) {
        int first = state();
        move(from, chars, first);
        move(first, chars, first);
        move(first, null, to);
    }

    /** Adds the moves from {@code from} that read {@code text}; returns the state after it. */
    private int literal(int from, String text) {
        int at = from;
        for (int i = 0; i < text.length(); i++) {
            int next = state();
            move(at, Chars.of(String.valueOf(text.charAt(i))), next);
            at = next;
        }
        return at;
    }

    private int state() {
        moves.add(new ArrayList<>());
        return moves.size() - 1;
    }

    private void move(int from, Chars chars, int to) {
        moves.get(from).add(new Move(chars, to));
    }

    private static final class Move {
        final Chars chars;
        final int to;

        Move(Chars chars, int to) {
            this.chars = chars;
            this.to = to;
        }
    }

    /** A set of characters: those listed, or all but those listed. */
    private static final class Chars {
        final String listed;
        final boolean allBut;

        private Chars(String listed, boolean allBut) {
            this.listed = listed;
            this.allBut = allBut;
        }

        static Chars of(String listed) {
            return new Chars(listed, false);
        }

        static Chars allBut(String listed) {
            return new Chars(listed, true);
        }

        boolean contains(char c) {
            return (listed.indexOf(c) >= 0) != allBut;
        }

        boolean overlaps(Chars other) {
            if (allBut && other.allBut) {
                return true; // finitely many characters are left out of each
            }
            Chars finite = allBut ? other : this;
            Chars rest = allBut ? this : other;
            for (int i = 0; i < finite.listed.length(); i++) {
                if (rest.contains(finite.listed.charAt(i))) {
                    return true;
                }
            }
            return false;
        }
    }
}
