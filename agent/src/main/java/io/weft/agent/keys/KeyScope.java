package io.weft.agent.keys;

/**
 * The class loader that defined a cached method's class, as L1 keys see it (SPEC §10): keys of different
 * scopes are never equal, so one application's values never reach another application that holds the
 * same class and key template. A scope holds no reference to its loader.
 */
public final class KeyScope {

    private final String name;

    /** @param name the loader's description, for messages */
    public KeyScope(String name) {
        this.name = name;
    }

    @Override
    public String toString() {
        return name;
    }
}
