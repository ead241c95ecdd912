package io.weft.agent.weaving;

import io.weft.agent.log.WeftLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Weaves one class: plans each annotated method and rewrites its code. A method with a configuration
 * error is reported and left as it is; the class's other methods are still woven. Works the same on a
 * class being loaded and on one being retransformed.
 */
final class TypeWeaver implements ClassFileTransformer {

    private final MethodPlanner planner;
    private final ConfigurationErrors errors;
    private final AtomicInteger wovenMethods = new AtomicInteger();
    private final AtomicInteger wovenClasses = new AtomicInteger();

    TypeWeaver(MethodPlanner planner, ConfigurationErrors errors) {
        this.planner = planner;
        this.errors = errors;
    }

    /** Returns the woven class file, or {@code null} when no method of the class is woven. */
    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        ClassFile type = ClassFileReader.read(classfileBuffer, true);
        ClassFiles classFiles = new ClassFiles(loader, type);
        Map<String, ClassWeaver.Planned> plans = new HashMap<>();
        List<String> summaries = new ArrayList<>();
        for (ClassFile.Method method : type.methods) {
            if (method.is(Opcodes.ACC_BRIDGE | Opcodes.ACC_SYNTHETIC) || method.name.startsWith("<")
                    || !MethodPlanner.isAnnotated(method)) {
                continue;
            }
            try {
                MethodPlanner.Plan plan = planner.plan(type, method, classFiles);
                plans.put(method.name + method.descriptor, new ClassWeaver.Planned(plan.advice, plan.id));
                summaries.add(plan.summary);
            } catch (ConfigurationError e) {
                errors.report(e.getMessage());
            }
        }
        if (plans.isEmpty()) {
            return null;
        }
        byte[] woven = ClassWeaver.weave(classfileBuffer, plans);
        int methods = wovenMethods.addAndGet(summaries.size());
        int classes = wovenClasses.incrementAndGet();
        WeftLog.info("wove " + type.name + ": " + String.join(", ", summaries) + " (in all " + methods
                + " method(s) in " + classes + " class(es))");
        return woven;
    }
}
