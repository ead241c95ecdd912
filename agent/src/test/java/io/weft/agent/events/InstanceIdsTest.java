package io.weft.agent.events;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InstanceIdsTest {

    @Test
    void everyIdThisJvmMakesIsRecognizedAsWeftsAndIsUnique() {
        String id = InstanceIds.create();

        assertTrue(id.startsWith("weft:") && id.contains("-" + ProcessHandle.current().pid() + "-"), id);
        assertTrue(InstanceIds.isWeft(id), id);
        assertNotEquals(id, InstanceIds.create());
        assertTrue(InstanceIds.isWeft("weft:ip-10-0-0-7.ec2.internal-81-3f2a9c1d"), "a host with dashes and dots");
    }

    @Test
    void otherSourcesAreNot() {
        for (String source : new String[] {null, "", "py-svc", "host-1234-3f2a9c1d", "weft:", "weft:py-svc",
            "weft:-1234-3f2a9c1d", "weft:host--3f2a9c1d", "weft:host-12a-3f2a9c1d", "weft:host-1234-3F2A9C1D",
            "weft:host-1234-3f2a9c1", "weft:host-1234-3f2a9c1d0", "WEFT:host-1234-3f2a9c1d"}) {
            assertFalse(InstanceIds.isWeft(source), source);
        }
    }
}
