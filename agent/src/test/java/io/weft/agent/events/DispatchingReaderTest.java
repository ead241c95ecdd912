package io.weft.agent.events;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.weft.agent.store.RedisErrors;
import io.weft.agent.testing.Await;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The reading thread outlives whatever one round throws, an {@link Error} included: nothing would restart it. */
class DispatchingReaderTest {

    /** A reader whose first round throws {@code first}, and whose later rounds return at once. */
    private static final class FailingOnce extends DispatchingReader {
        final AtomicInteger rounds = new AtomicInteger();
        private final Throwable first;

        FailingOnce(Throwable first) {
            super("test", new RedisErrors(true), "me", ForeignEventMapping.parse(Map.of()), new RecordingSink());
            this.first = first;
        }

        @Override
        protected boolean readRound(boolean checkGaps) throws Exception {
            if (rounds.incrementAndGet() == 1) {
                if (first instanceof Error) {
                    throw (Error) first;
                }
                throw (Exception) first;
            }
            Thread.sleep(1);
            return false;
        }

        @Override
        protected void closeConnection() {
        }

        @Override
        protected long closeWaitMillis() {
            return 1000;
        }

        @Override
        public List<String> streams() {
            return List.of("s");
        }

        @Override
        public boolean positioned() {
            return true;
        }
    }

    @Test
    void aRoundThatThrowsAnErrorIsAFailedReadAndReadingGoesOn() {
        try (FailingOnce reader = new FailingOnce(new OutOfMemoryError("a key too long to render"))) {
            reader.start();
            Await.until("the reader reads again after the error", () -> reader.rounds.get() > 2);
            assertEquals(1, reader.readFailures());
        }
    }
}
