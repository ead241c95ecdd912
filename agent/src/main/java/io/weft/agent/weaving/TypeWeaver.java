package io.weft.agent.weaving;

import io.weft.agent.log.WeftLog;
import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Weaves one candidate class: reads its annotated methods with ASM ({@link AnnotatedClass}: parameter names
 * from MethodParameters or the LocalVariableTable), plans each of them, and inlines the advice with ASM
 * ({@link AdviceInliner}). Only method bodies change, so the class keeps its
 * shape and may be retransformed. The packages of a woven class's named module are opened to the agent
 * ({@link ModuleOpener}), so that its values can be written to Redis. A method with a configuration error is reported and left as it is;
 * the class's other methods are still woven.
 */
final class TypeWeaver implements ClassFileTransformer {

    private final MethodPlanner planner;
    private final ConfigurationErrors errors;
    private final ModuleOpener modules;
    private final AtomicInteger wovenMethods = new AtomicInteger();
    private final AtomicInteger wovenClasses = new AtomicInteger();

    TypeWeaver(MethodPlanner planner, ConfigurationErrors errors, ModuleOpener modules) {
        this.planner = planner;
        this.errors = errors;
        this.modules = modules;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        AnnotatedClass type = AnnotatedClass.read(classfileBuffer);
        Map<String, MethodPlanner.Plan> plans = new HashMap<>();
        List<String> summaries = new ArrayList<>();
        for (AnnotatedMethod method : type.methods()) {
            try {
                MethodPlanner.Plan plan = planner.plan(type, method, loader);
                plans.put(method.name() + method.descriptor(), plan);
                summaries.add(plan.summary);
            } catch (ConfigurationError e) {
                errors.report(e.getMessage());
            }
        }
        if (plans.isEmpty()) {
            return null;
        }
        modules.open(module, type.packageName());
        byte[] woven = weave(classfileBuffer, plans);
        int methods = wovenMethods.addAndGet(summaries.size());
        int classes = wovenClasses.incrementAndGet();
        WeftLog.info("wove " + type.name() + ": " + String.join(", ", summaries) + " (in all " + methods
                + " method(s) in " + classes + " class(es))");
        return woven;
    }

    /** The class with the planned methods' advice inlined; everything else is copied as it is. */
    static byte[] weave(byte[] classFile, Map<String, MethodPlanner.Plan> plans) {
        ClassReader reader = new ClassReader(classFile);
        Map<String, Integer> maxLocals = maxLocals(reader, plans);
        ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
        reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
            private String owner;
            private boolean frames;

            @Override
            public void visit(int version, int access, String name, String signature, String superName,
                    String[] interfaces) {
                owner = name;
                frames = (version & 0xFFFF) >= Opcodes.V1_6;
                super.visit(version, access, name, signature, superName, interfaces);
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                MethodVisitor method = super.visitMethod(access, name, descriptor, signature, exceptions);
                MethodPlanner.Plan plan = plans.get(name + descriptor);
                return plan == null ? method : new AdviceInliner(method, plan.advice, plan.id, access, owner,
                        descriptor, maxLocals.get(name + descriptor), frames, plan.batchParameter);
            }
        }, ClassReader.EXPAND_FRAMES);
        return writer.toByteArray();
    }

    /** Each planned method's {@code max_locals}, from a first pass that reads nothing but the maxima. */
    private static Map<String, Integer> maxLocals(ClassReader reader, Map<String, MethodPlanner.Plan> plans) {
        Map<String, Integer> maxLocals = new HashMap<>();
        reader.accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                    String[] exceptions) {
                String key = name + descriptor;
                if (!plans.containsKey(key)) {
                    return null;
                }
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public void visitMaxs(int maxStack, int locals) {
                        maxLocals.put(key, locals);
                    }
                };
            }
        }, ClassReader.SKIP_DEBUG | ClassReader.SKIP_FRAMES);
        return maxLocals;
    }
}
