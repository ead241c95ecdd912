package io.weft.agent.store;

import io.netty.util.internal.logging.FormattingTuple;
import io.netty.util.internal.logging.InternalLogLevel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.netty.util.internal.logging.MessageFormatter;
import io.weft.agent.log.WeftLog;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;

/**
 * Sends what Lettuce and Netty log through {@link WeftLog}: warnings and errors only (rate-limited per
 * logger), nothing below. Left to themselves they would log through whatever logging library the
 * application has, where a debug or trace level would show every command sent, AUTH passwords
 * included, and reconnection chatter would fill the application's log during an outage. Must be
 * installed before the first Lettuce or Netty class is initialized, as their loggers are static.
 */
final class ClientLogging {

    private ClientLogging() {
    }

    static void install() {
        InternalLoggerFactory.setDefaultFactory(new InternalLoggerFactory() {
            @Override
            protected InternalLogger newInstance(String name) {
                return (InternalLogger) Proxy.newProxyInstance(InternalLogger.class.getClassLoader(),
                        new Class<?>[] {InternalLogger.class}, new Logger(name));
            }
        });
    }

    /** One logger: answers the {@code is…Enabled} questions and writes warnings and errors. */
    private static final class Logger implements InvocationHandler {
        private final String name;

        Logger(String name) {
            this.name = name;
        }

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            switch (method.getName()) {
                case "name":
                    return name;
                case "isWarnEnabled":
                case "isErrorEnabled":
                    return true;
                case "isEnabled":
                    return severe(args[0]);
                case "warn":
                case "error":
                    write(method, args, 0);
                    return null;
                case "log":
                    if (severe(args[0])) {
                        write(method, args, 1);
                    }
                    return null;
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "Weft's logger " + name;
                default:
                    return method.getReturnType() == boolean.class ? Boolean.FALSE : null;
            }
        }

        private static boolean severe(Object level) {
            return level == InternalLogLevel.WARN || level == InternalLogLevel.ERROR;
        }

        /** Writes {@code args[from]} (a message pattern or a Throwable) formatted with the arguments after it. */
        private void write(Method method, Object[] args, int from) {
            Object first = args[from];
            String text;
            if (first instanceof Throwable) {
                text = first.toString();
            } else {
                Object[] rest = method.isVarArgs() ? (Object[]) args[args.length - 1]
                        : Arrays.copyOfRange(args, from + 1, args.length);
                FormattingTuple formatted = MessageFormatter.arrayFormat(String.valueOf(first), rest);
                text = formatted.getMessage() + (formatted.getThrowable() == null ? "" : ": " + formatted.getThrowable());
            }
            WeftLog.warnRateLimited("client-log:" + name, "Redis client: " + text);
        }
    }
}
