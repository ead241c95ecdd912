package io.weft.agent.keys;

import java.util.Objects;

/**
 * A key made of a call's arguments themselves, for the L1's fast index: a hit needs no key text built.
 * Two argument keys are equal only if they come from the same bound template and their arguments are
 * equal, and only templates whose arguments render one text per equal value get them (see
 * {@link KeyRenderer#argumentKey}), so equal argument keys always render the same key.
 */
public final class ArgumentKey {

    private final KeyRenderer template;
    private final Object arguments;
    private final int hash;

    ArgumentKey(KeyRenderer template, int templateHash, Object arguments) {
        this.template = template;
        this.arguments = arguments;
        this.hash = templateHash * 31 + Objects.hashCode(arguments);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof ArgumentKey)) {
            return false;
        }
        ArgumentKey other = (ArgumentKey) o;
        return template == other.template && Objects.equals(arguments, other.arguments);
    }

    @Override
    public int hashCode() {
        return hash;
    }
}
