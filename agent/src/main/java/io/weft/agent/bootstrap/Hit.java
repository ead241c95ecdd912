package io.weft.agent.bootstrap;

/**
 * A cached result. Woven code skips the method body when entry returns a {@code Hit} and
 * returns {@link #value()} instead.
 */
public class Hit extends Token {

    private final Object value;

    /** Creates a hit that returns {@code value}, which may be {@code null}. */
    public Hit(Object value) {
        this.value = value;
    }

    /** The value the woven method returns. */
    public Object value() {
        return value;
    }
}
