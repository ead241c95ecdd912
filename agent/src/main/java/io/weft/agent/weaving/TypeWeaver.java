package io.weft.agent.weaving;

import io.weft.agent.log.WeftLog;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.ClassFileLocator;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

/**
 * Weaves one class: plans each annotated method and inlines its advice. A method with a
 * configuration error is reported and left as it is; the class's other methods are still woven.
 */
final class TypeWeaver implements AgentBuilder.Transformer {

    private final MethodPlanner planner;
    private final ConfigurationErrors errors;
    private final ClassFileLocator adviceLocator = ClassFileLocator.ForClassLoader.of(TypeWeaver.class.getClassLoader());
    private final AtomicInteger wovenMethods = new AtomicInteger();
    private final AtomicInteger wovenClasses = new AtomicInteger();

    TypeWeaver(MethodPlanner planner, ConfigurationErrors errors) {
        this.planner = planner;
        this.errors = errors;
    }

    @Override
    public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
            ClassLoader classLoader, JavaModule module, ProtectionDomain protectionDomain) {
        List<String> summaries = new ArrayList<>();
        for (MethodDescription.InDefinedShape method : type.getDeclaredMethods()) {
            if (method.isBridge() || method.isSynthetic() || !MethodPlanner.isAnnotated(method)) {
                continue;
            }
            try {
                MethodPlanner.Plan plan = planner.plan(type, method, classLoader);
                builder = builder.visit(Advice.withCustomMapping()
                        .bind(MethodId.class, plan.id)
                        .to(TypeDescription.ForLoadedType.of(plan.advice), adviceLocator)
                        .on(ElementMatchers.is(method)));
                summaries.add(plan.summary);
            } catch (ConfigurationError e) {
                errors.report(e.getMessage());
            }
        }
        if (!summaries.isEmpty()) {
            int methods = wovenMethods.addAndGet(summaries.size());
            int classes = wovenClasses.incrementAndGet();
            WeftLog.info("wove " + type.getName() + ": " + String.join(", ", summaries) + " (in all " + methods
                    + " method(s) in " + classes + " class(es))");
        }
        return builder;
    }
}
