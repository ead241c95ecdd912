package io.weft.agent.cache;

import io.weft.agent.config.SettingChecks;
import io.weft.agent.events.ForeignEventMapping;
import io.weft.agent.events.TemplateList;
import io.weft.agent.store.RedisUris;
import io.weft.agent.store.pg.PgDriver;
import java.util.Map;

/**
 * Checks {@code weft.redis.uri}, {@code weft.store.uri} and {@code weft.events.<type>} with the parsers that the
 * connectors use ({@link RedisUris}, pgjdbc's through {@link PgDriver}, {@link ForeignEventMapping}), so that what they would refuse is reported when the settings are
 * read (SPEC §7: {@code weft.strict=true} stops the JVM) and never fails the connection to the shared level; and warns
 * of a mapping whose commas may not say what was meant ({@link TemplateList#ambiguity}).
 */
public final class SharedLevelChecks implements SettingChecks {

    @Override
    public String redisUriProblem(String uri, boolean cluster) {
        try {
            RedisUris.parse(uri, cluster);
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Override
    public String storeUriProblem(String uri) {
        String problem = PgDriver.urlProblem(uri);
        return problem == null ? null : "weft.store.uri " + problem;
    }

    @Override
    public String eventTemplatesProblem(String type, String templates) {
        try {
            ForeignEventMapping.parse(Map.of(type, templates));
            return null;
        } catch (IllegalArgumentException e) {
            return e.getMessage();
        }
    }

    @Override
    public String eventTemplatesWarning(String type, String templates) {
        return TemplateList.parse(templates).ambiguity(type);
    }
}
