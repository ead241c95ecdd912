package io.weft.agent.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.util.internal.logging.InternalLogLevel;
import io.netty.util.internal.logging.InternalLogger;
import io.netty.util.internal.logging.InternalLoggerFactory;
import io.weft.agent.testing.LogCapture;
import org.junit.jupiter.api.Test;

class ClientLoggingTest {

    @Test
    void lettuceLogsOnlyWarningsAndErrorsAndOnlyThroughWeftLog() {
        ClientLogging.install();
        InternalLogger logger = InternalLoggerFactory.getInstance("io.lettuce.core.protocol.CommandEncoder.test");

        try (LogCapture log = new LogCapture()) {
            assertFalse(logger.isTraceEnabled() || logger.isDebugEnabled() || logger.isInfoEnabled());
            assertTrue(logger.isWarnEnabled() && logger.isEnabled(InternalLogLevel.ERROR));
            logger.trace("{} Sent: {}", "[channel]", "HELLO 3 AUTH default trace-Secret");
            logger.debug("debug-Secret");
            logger.info("info {}", "chatter");
            logger.warn("Cannot reconnect to [{}]: {}", "127.0.0.1:6379", "Connection refused");

            String text = log.text();
            assertFalse(text.contains("Secret") || text.contains("chatter"), text);
            assertTrue(text.contains("Redis client: Cannot reconnect to [127.0.0.1:6379]: Connection refused"), text);
        }
        assertEquals("io.lettuce.core.protocol.CommandEncoder.test", logger.name());
    }
}
