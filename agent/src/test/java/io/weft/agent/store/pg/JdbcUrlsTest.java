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
    void everyPasswordLikeParameterIsMasked() {
        assertEquals("jdbc:postgresql://db/app?sslmode=verify-full&sslpassword=****&user=weft",
                JdbcUrls.redacted("jdbc:postgresql://db/app?sslmode=verify-full&sslpassword=k3y&user=weft"));
        assertEquals("jdbc:postgresql://db/app?password=****&SslPassword=****",
                JdbcUrls.redacted("jdbc:postgresql://db/app?password=a&SslPassword=b"));
    }

    @Test
    void credentialsBeforeTheHostAreMasked() {
        assertEquals("jdbc:postgresql://****@db/app", JdbcUrls.redacted("jdbc:postgresql://weft:pw@db/app"));
        assertEquals("jdbc:postgresql://****@db/app", JdbcUrls.redacted("jdbc:postgresql://weft:p@ss@db/app"));
        assertEquals("jdbc:postgresql://****@db?user=x", JdbcUrls.redacted("jdbc:postgresql://weft:p@ss@db?user=x"));
    }

    @Test
    void aUrlWithoutSecretsIsUnchanged() {
        String url = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres&options=a@b";
        assertEquals(url, JdbcUrls.redacted(url));
    }
}
