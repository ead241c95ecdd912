package io.weft.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.testing.Await;
import io.weft.agent.testing.RedisFixture;
import io.weft.it.support.FreePorts;
import io.weft.it.support.Paths;
import io.weft.it.support.TestApps;
import io.weft.it.support.Tomcat;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SPEC §10 in a servlet container: Tomcat with two WARs that hold the same {@code shared.Svc} (same class, same key
 * template, same keys) and return their own values, and the same {@code shared.Shelf} (a property-path key, values
 * through Redis); then one of them redeployed five times.
 */
class TomcatTest {

    private static final String WEBAPP_LOADER = "org.apache.catalina.loader.ParallelWebappClassLoader";
    /** The shelf's Redis key (no namespace): its value is JSON that every application reads into its own class. */
    private static final String SHELF_KEY = "tc:shelf:1";

    @Test
    void twoWebAppsGetTheirOwnValuesAndRedeployedOnesAreCachedAgainAndCollected() throws Exception {
        Path shared = TestApps.compile("webapps/webapp", List.of("-g"));
        Path web = TestApps.compile("tomcat", List.of("-g"), shared, Paths.tomcatHome().resolve("lib/servlet-api.jar"));
        try (RedisFixture redis = RedisFixture.start(); Tomcat tomcat = start(redis, web, shared)) {
            assertEquals("a:1,true,1", tomcat.get("/a/svc?id=1"), tomcat.transcript());
            assertEquals("b:1,true,1", tomcat.get("/b/svc?id=1"), "b runs its own method: a's value is not b's");
            assertEquals("a:1,true,1", tomcat.get("/a/svc?id=1"), "a hits its own value");
            assertEquals("b:1,true,1", tomcat.get("/b/svc?id=1"), "b hits its own value");
            assertShelf(tomcat, "a", 1);
            Await.until(Duration.ofSeconds(10), "a's shelf stored in Redis",
                    () -> redis.admin().exists(SHELF_KEY) == 1);
            assertShelf(tomcat, "b", 0);

            for (int redeploy = 1; redeploy <= 5; redeploy++) {
                String loader = tomcat.get("/a/svc");
                tomcat.redeploy("a");
                Await.until(Duration.ofSeconds(60), "web application a deployed again", () -> {
                    String now = tomcat.get("/a/svc");
                    return now != null && !now.startsWith("HTTP") && !now.equals(loader);
                });
                assertEquals("a:1,true,1", tomcat.get("/a/svc?id=1"), "woven afresh: the new loader runs its method");
                assertEquals("a:1,true,1", tomcat.get("/a/svc?id=1"), "and caches it again\n" + tomcat.transcript());
                assertShelf(tomcat, "a", 0);
            }
            Await.until(Duration.ofSeconds(60), "the five old loaders of a are collected", () -> {
                try {
                    return tomcat.liveInstances(WEBAPP_LOADER) == 2;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            assertEquals(7, tomcat.transcript().lines().filter(line -> line.contains("wove shared.Svc")).count(),
                    "each deployment's class is woven");
            assertTrue(tomcat.get("/b/svc?id=1").startsWith("b:1,true,"), "b still gets its own values");
        }
    }

    /** Tomcat with the agent (L1 entries live 3 s; L1 off for the shelf) and the WARs {@code a} and {@code b}. */
    private static Tomcat start(RedisFixture redis, Path... classes) throws Exception {
        String agent = "-javaagent:" + Paths.agentJar() + " -Dweft.l1.ttl=3s -Dweft.redis.uri=" + redis.uri()
                + " -Dweft.redis.timeout=3s -Dweft.cache.tc:shelf.l1=false";
        return FreePorts.startOnAFreePort("Tomcat", port -> {
            Tomcat tomcat = Tomcat.base(port);
            tomcat.deploy("a", classes);
            tomcat.deploy("b", classes);
            return tomcat.start(agent);
        });
    }

    /**
     * The shelf's value is of the application's own class, and its body ran {@code runs} times in this deployment:
     * {@code 0} once the value is in Redis (L1 is off for its cache), so that it was read from the JSON there, into
     * this application's {@code Item}, not loaded again by a lookup that could not read it.
     */
    private static void assertShelf(Tomcat tomcat, String app, int runs) {
        assertEquals("shelf:1,true," + runs, tomcat.get("/" + app + "/svc?shelf=1"),
                app + "'s shelf (text, own class, body runs)\n" + tomcat.transcript());
    }
}
