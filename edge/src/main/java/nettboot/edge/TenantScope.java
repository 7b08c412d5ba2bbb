package nettboot.edge;

import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import nettboot.core.admin.AdminService;
import nettboot.core.error.ForbiddenException;
import nettboot.core.error.NotFoundException;
import nettboot.core.machine.MachineId;

/**
 * Service certificates limited to a set of tenants ({@code EdgeConfig.adminTenants}, by the
 * certificate's admin name): another tenant's machine or profile answers as an unknown one, a
 * request naming another tenant is forbidden, lists and the event feed show only their tenants,
 * and the tenant-shared artifacts cannot be uploaded.
 */
final class TenantScope {
  private final AdminService admin;

  TenantScope(AdminService admin) {
    this.admin = admin;
  }

  static boolean limited(RoutingContext ctx) {
    return RequestScope.of(ctx).tenants.isPresent();
  }

  static boolean allows(RoutingContext ctx, String tenant) {
    return RequestScope.of(ctx).tenants.map(s -> s.contains(tenant)).orElse(true);
  }

  /** Forbidden unless the caller may act for {@code tenant}. */
  static void require(RoutingContext ctx, String tenant) {
    if (tenant != null && !allows(ctx, tenant)) {
      throw new ForbiddenException("this certificate is limited to tenants "
          + RequestScope.of(ctx).tenants.map(Set::toString).orElse("") + ", not " + tenant);
    }
  }

  /** {@code value} when its tenant is visible to the caller, else NotFound with {@code unknown}. */
  static <T> T visible(RoutingContext ctx, T value, String tenant, String unknown) {
    if (!allows(ctx, tenant)) {
      throw new NotFoundException(unknown);
    }
    return value;
  }

  static <T> List<T> filter(RoutingContext ctx, List<T> items, Function<T, String> tenantOf) {
    return limited(ctx) ? items.stream().filter(i -> allows(ctx, tenantOf.apply(i))).toList() : items;
  }

  static void refuse(RoutingContext ctx, String why) {
    RequestScope.of(ctx).note = why;
    HttpErrors.sendJson(ctx.response(), 403, AdminJson.error(RequestScope.of(ctx).id, "forbidden: " + why));
  }

  /** Before every /machines/{id} route: another tenant's machine is unknown to a limited caller. */
  void machine(RoutingContext ctx) {
    if (!limited(ctx)) {
      ctx.next();
      return;
    }
    MachineId id;
    try {
      id = MachineId.parse(ctx.pathParam("id"));
    } catch (RuntimeException e) {
      ctx.next();
      return;
    }
    admin.machine(id).onComplete(ar -> {
      if (ar.succeeded() && !allows(ctx, ar.result().tenant())) {
        AdminRoutes.fail(ctx, null, new NotFoundException("no machine " + id.value()));
      } else {
        ctx.next();
      }
    });
  }
}
