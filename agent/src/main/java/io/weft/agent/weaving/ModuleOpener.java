package io.weft.agent.weaving;

import io.weft.agent.log.WeftLog;
import java.lang.instrument.Instrumentation;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Opens the packages of a named application module to the agent (SPEC §10, named JPMS modules). The agent's
 * Jackson writes and reads cached values by reflection, and property paths in keys read them through method
 * handles; a module that opens none of its packages would refuse both ({@code module demo.mod does not
 * "opens com.acme.app"}), and its values would never reach Redis. Every package of the module is opened, not
 * only the woven class's, since values are often declared in a sibling package; they are opened to the agent's
 * module alone (the unnamed module of the agent's own class loader, where its relocated libraries run), never
 * to the application's other modules. The check is stateless (no module is remembered, so none is kept alive).
 */
final class ModuleOpener {

    private final Instrumentation instrumentation;
    private final Module agent;

    ModuleOpener(Instrumentation instrumentation) {
        this(instrumentation, ModuleOpener.class.getModule());
    }

    ModuleOpener(Instrumentation instrumentation, Module agent) {
        this.instrumentation = instrumentation;
        this.agent = agent;
    }

    /**
     * Opens {@code module}'s packages to the agent unless it is unnamed (its packages are open already) or
     * opens them already.
     *
     * @param packageName the package of the class being woven, checked first: once it is open, so are the others
     */
    void open(Module module, String packageName) {
        if (module == null || !module.isNamed() || module.isOpen(packageName, agent)) {
            return;
        }
        Map<String, Set<Module>> opens = new HashMap<>();
        for (String name : module.getPackages()) {
            if (!module.isOpen(name, agent)) {
                opens.put(name, Set.of(agent));
            }
        }
        try {
            instrumentation.redefineModule(module, Set.of(), Map.of(), opens, Set.of(), Map.of());
        } catch (RuntimeException e) {
            WeftLog.warn("cannot open the packages of module " + module.getName() + " to Weft (" + e
                    + "); its values may not be stored in Redis");
        }
    }
}
