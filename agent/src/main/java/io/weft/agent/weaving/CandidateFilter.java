package io.weft.agent.weaving;

import io.weft.agent.config.WeftConfig;
import io.weft.agent.log.WeftLog;
import java.lang.instrument.ClassFileTransformer;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.function.Supplier;

/**
 * The only transformer registered at start. It rejects a class by its name (the JDK, the agent, {@code
 * weft.include}/{@code weft.exclude}, and without {@code weft.include} common libraries) or, failing that, by the
 * absence of {@code Lio/weft/annotations/} in its bytes, so that only classes that refer to a Weft annotation are
 * parsed, by a weaver that is itself loaded only when the first such class appears.
 */
public final class CandidateFilter implements ClassFileTransformer {

    /** The package of Weft's annotations, as {@link Class#getName()} spells its members. */
    static final String ANNOTATIONS_PACKAGE = "io.weft.annotations.";
    /** What every class file that uses a Weft annotation holds in its constant pool (a descriptor). */
    private static final byte[] MARKER = ("L" + ANNOTATIONS_PACKAGE.replace('.', '/')).getBytes(StandardCharsets.US_ASCII);
    /** Never woven: the JDK and the agent itself. */
    private static final String[] NEVER = {
        "java/", "javax/", "jdk/", "sun/", "com/sun/", "io/weft/agent/", "io/weft/shaded/", "net/bytebuddy/",
    };
    /**
     * Common libraries, whose bytes are not even searched for the annotations unless {@code weft.include} is set:
     * then it alone says what is woven (an application's own classes under {@code org.apache.…} are woven when named).
     */
    private static final String[] LIBRARIES = {
        "org/springframework/", "org/apache/", "org/eclipse/", "org/hibernate/", "org/h2/", "org/postgresql/",
        "org/slf4j/", "ch/qos/logback/", "org/junit/", "org/jboss/", "org/glassfish/", "com/fasterxml/",
        "com/google/", "com/github/benmanes/", "io/netty/", "io/lettuce/", "reactor/", "kotlin/", "scala/",
        "groovy/", "org/codehaus/", "org/objectweb/", "com/zaxxer/", "io/micrometer/", "org/yaml/",
    };

    private final String[] include;
    private final String[] exclude;
    private final Supplier<ClassFileTransformer> weaverFactory;
    private volatile ClassFileTransformer weaver;

    public CandidateFilter(WeftConfig config, Supplier<ClassFileTransformer> weaverFactory) {
        this.include = internalNames(config.include());
        this.exclude = internalNames(config.exclude());
        this.weaverFactory = weaverFactory;
    }

    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> classBeingRedefined,
            ProtectionDomain protectionDomain, byte[] classfileBuffer) {
        if (loader == null || className == null || !acceptsName(className) || !refersToWeftAnnotations(classfileBuffer)) {
            return null;
        }
        try {
            return weaver().transform(module, loader, className, classBeingRedefined, protectionDomain, classfileBuffer);
        } catch (Throwable t) {
            WeftLog.warnRateLimited("weave:" + className, "could not weave " + className.replace('/', '.')
                    + "; it runs uncached: " + t);
            return null;
        }
    }

    /** Whether a class of this internal name may be woven at all (before its bytes are looked at). */
    public boolean acceptsName(String internalName) {
        if (internalName.contains("$$") || startsWithAny(internalName, NEVER) || startsWithAny(internalName, exclude)) {
            return false;
        }
        return include.length > 0 ? startsWithAny(internalName, include) : !startsWithAny(internalName, LIBRARIES);
    }

    private ClassFileTransformer weaver() {
        ClassFileTransformer current = weaver;
        if (current == null) {
            synchronized (this) {
                current = weaver;
                if (current == null) {
                    current = weaverFactory.get();
                    weaver = current;
                }
            }
        }
        return current;
    }

    /** Whether a class file refers to a Weft annotation (its constant pool names one). */
    static boolean refersToWeftAnnotations(byte[] classFile) {
        return contains(classFile, MARKER);
    }

    private static boolean contains(byte[] bytes, byte[] marker) {
        byte first = marker[0];
        int last = bytes.length - marker.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (bytes[i] != first) {
                continue;
            }
            for (int j = 1; j < marker.length; j++) {
                if (bytes[i + j] != marker[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static boolean startsWithAny(String name, String[] prefixes) {
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static String[] internalNames(List<String> packages) {
        String[] names = new String[packages.size()];
        for (int i = 0; i < names.length; i++) {
            names[i] = packages.get(i).replace('.', '/');
        }
        return names;
    }
}
