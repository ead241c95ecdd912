package io.weft.agent.weaving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * The generated definer puts a class in the bootstrap loader by a direct call of {@code Unsafe.defineClass} (no
 * reflection), once {@code jdk.internal.misc} is exported to Weft's module, as {@link BootstrapInjector} does.
 */
class BootLoaderDefinerTest {

    @Test
    void definesAClassInTheBootstrapLoader() throws Exception {
        Instrumentation instrumentation = ByteBuddyAgent.install();
        instrumentation.redefineModule(Object.class.getModule(), Set.of(),
                Map.of("jdk.internal.misc", Set.of(BootLoaderDefiner.class.getModule())), Map.of(), Set.of(), Map.of());
        String name = "io.weft.agent.bootstrap.DefinerProbe" + System.nanoTime();
        ClassWriter writer = new ClassWriter(0);
        writer.visit(Opcodes.V11, Opcodes.ACC_PUBLIC, name.replace('.', '/'), null, "java/lang/Object", null);
        writer.visitEnd();

        Class<?> defined = BootLoaderDefiner.get().define(name, writer.toByteArray());

        assertEquals(name, defined.getName());
        assertNull(defined.getClassLoader(), "not in the bootstrap loader");
        assertSame(defined, Class.forName(name, false, null));
        assertSame(BootLoaderDefiner.get(), BootLoaderDefiner.get(), "generated once");
    }
}
