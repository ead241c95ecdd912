package io.weft.agent.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.weft.agent.metrics.CacheStats;
import org.junit.jupiter.api.Test;

/** The status page shows its numbers in the HTML itself: a reader without JavaScript sees them too. */
class StatusPageTest {

    private final OpsFixture fixture = new OpsFixture();

    @Test
    void theStatusAndEachCachesCountersAreInTheHtmlOutsideTheScript() {
        CacheStats books = fixture.caches.cache("storybook:<books>", true).stats();
        for (int i = 0; i < 1234; i++) {
            books.recordL1Hit();
        }
        books.recordMiss();
        fixture.caches.cache("tts:voices", false);
        Switches switches = new Switches();
        switches.attach(fixture.caches);

        String page = StatusPage.render(Snapshot.take(fixture.parts, OpsFixture.config(), switches, null, true), -1);
        String html = page.replaceAll("(?s)<script.*?</script>", "");

        assertTrue(html.contains("id=\"status\">UP</span>"), html);
        assertTrue(html.contains("<td class=\"name\">storybook:&lt;books&gt;</td>"), "names are escaped: " + html);
        assertTrue(html.contains("<td>1,234</td><td>0</td><td>1</td>"), "L1 hits, L2 hits, misses: " + html);
        assertTrue(html.contains("99.9%"), html);
        assertTrue(html.contains("<td class=\"name\">tts:voices</td><td><span class=\"badge OFF\">OFF</span>"), html);
        assertFalse(html.contains("<!--WEFT_"), "every marker is replaced");
    }

    @Test
    void withoutCachesThePageSaysSo() {
        String page = StatusPage.render(Snapshot.take(fixture.parts, OpsFixture.config(), new Switches(), null, true), -1);
        assertTrue(page.replaceAll("(?s)<script.*?</script>", "").contains("No cache yet"));
    }
}
