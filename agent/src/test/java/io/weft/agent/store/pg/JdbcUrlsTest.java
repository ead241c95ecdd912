package io.weft.agent.store.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class JdbcUrlsTest {

    @Test
    void thePasswordParameterIsMasked() {
        assertEquals("jdbc:postgresql://db:5432/app?user=weft&password=****&ssl=true",
                JdbcUrls.redacted("jdbc:postgresql://db:5432/app?user=weft&password=s3cr&t;ssl=true".replace("&t;", "&")));
        assertEquals("jdbc:postgresql://db/app?PASSWORD=****", JdbcUrls.redacted("jdbc:postgresql://db/app?PASSWORD=x"));
    }

    @Test
    void credentialsBeforeTheHostAreMasked() {
        assertEquals("jdbc:postgresql://****@db/app", JdbcUrls.redacted("jdbc:postgresql://weft:pw@db/app"));
    }

    @Test
    void aUrlWithoutSecretsIsUnchanged() {
        String url = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&options=a@b";
        assertEquals(url, JdbcUrls.redacted(url));
    }
}
