package nettboot.core.store;

import io.vertx.core.json.JsonArray;
import io.vertx.jdbcclient.spi.JDBCColumnDescriptorProvider;
import io.vertx.jdbcclient.spi.JDBCEncoder;
import io.vertx.sqlclient.Tuple;

/**
 * Passes statement parameters to the JDBC driver as they are. The store only binds strings,
 * integers, longs and nulls, which SQLite's driver takes with {@code setObject}. The Vert.x default
 * encoder first asks the driver for parameter metadata, and SQLite's driver answers that before
 * the parameters are bound by throwing (twice per query, each with a stack trace): measurable CPU
 * on the boot path. Registered through {@code META-INF/services}; the PostgreSQL client does not
 * use JDBC and is unaffected.
 */
public final class PlainJdbcEncoder implements JDBCEncoder {
  @Override
  public Object encode(JsonArray input, int pos, JDBCColumnDescriptorProvider provider) {
    return input.getValue(pos - 1);
  }

  @Override
  public Object encode(Tuple input, int pos, JDBCColumnDescriptorProvider provider) {
    return input.getValue(pos - 1);
  }
}
