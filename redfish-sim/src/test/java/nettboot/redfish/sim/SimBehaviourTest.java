package nettboot.redfish.sim;

import static nettboot.core.testsupport.Futures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import nettboot.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The simulator itself behaves like the BMCs it imitates (raw HTTP, no nett-boot client). */
class SimBehaviourTest {

  @Test
  void iloRefusesAnEjectWithoutBodyGenericAcceptsIt(@TempDir Path tmp) {
    try (SimHarness h = new SimHarness(tmp)) {
      WebClient c = WebClient.create(h.vertx, new WebClientOptions().setTrustAll(true).setVerifyHost(false));
      SimulatedBmc ilo = h.startOne(h.settings("ilo"));
      SimulatedBmc generic = h.startOne(h.settings("generic"));
      HttpResponse<Buffer> r = await(c.postAbs(ilo.url() + "/redfish/v1/Managers/1/VirtualMedia/2/Actions/"
          + "VirtualMedia.EjectMedia").basicAuthentication(SimHarness.USER, h.password).send());
      assertThat(r.statusCode()).isEqualTo(400);
      assertThat(r.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("Base.1.15.MalformedJSON");
      HttpResponse<Buffer> ok = await(c.postAbs(ilo.url() + "/redfish/v1/Managers/1/VirtualMedia/2/Actions/"
          + "VirtualMedia.EjectMedia").basicAuthentication(SimHarness.USER, h.password).sendJsonObject(new JsonObject()));
      assertThat(ok.statusCode()).isEqualTo(204);
      HttpResponse<Buffer> g = await(c.postAbs(generic.url() + "/redfish/v1/Managers/BMC/VirtualMedia/Cd/"
          + "Actions/VirtualMedia.EjectMedia").basicAuthentication(SimHarness.USER, h.password).send());
      assertThat(g.statusCode()).isEqualTo(204);
      HttpResponse<Buffer> anon = await(c.getAbs(generic.url() + "/redfish/v1/Systems").send());
      assertThat(anon.statusCode()).as("only the service root is public").isEqualTo(401);
    }
  }

  @Test
  void stalePatchesGet412AndWrongTargetsAreNotInTheList(@TempDir Path tmp) {
    try (SimHarness h = new SimHarness(tmp)) {
      WebClient c = WebClient.create(h.vertx, new WebClientOptions().setTrustAll(true).setVerifyHost(false));
      SimulatedBmc b = h.startOne(h.settings("supermicro"));
      String sys = b.url() + "/redfish/v1/Systems/1";
      String etag = await(c.getAbs(sys).basicAuthentication(SimHarness.USER, h.password).send())
          .getHeader("ETag");
      JsonObject cd = new JsonObject().put("Boot", new JsonObject().put("BootSourceOverrideTarget", "Cd"));
      HttpResponse<Buffer> notAllowed = await(c.patchAbs(sys).basicAuthentication(SimHarness.USER, h.password)
          .putHeader("If-Match", etag).sendJsonObject(cd));
      assertThat(notAllowed.statusCode()).isEqualTo(400);
      assertThat(notAllowed.bodyAsString()).contains("PropertyValueNotInList").contains("BootSourceOverrideTarget");
      JsonObject usbCd = new JsonObject().put("Boot", new JsonObject().put("BootSourceOverrideTarget", "UsbCd")
          .put("BootSourceOverrideEnabled", "Once"));
      assertThat(await(c.patchAbs(sys).basicAuthentication(SimHarness.USER, h.password)
          .putHeader("If-Match", "\"sys-0\"").sendJsonObject(usbCd)).statusCode()).isEqualTo(412);
      assertThat(await(c.patchAbs(sys).basicAuthentication(SimHarness.USER, h.password)
          .putHeader("If-Match", etag).sendJsonObject(usbCd)).statusCode()).isEqualTo(204);
      // a restart boots once from UsbCd (nothing inserted: the disk) and uses up the Once override
      await(c.postAbs(sys + "/Actions/ComputerSystem.Reset").basicAuthentication(SimHarness.USER, h.password)
          .sendJsonObject(new JsonObject().put("ResetType", "ForceRestart")));
      SimSnapshot s;
      try {
        s = h.awaitBoot(b);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
      assertThat(s.boots()).hasSize(1);
      assertThat(s.boots().get(0).device()).as("no CD inserted").isEqualTo("Hdd");
      assertThat(s.bootEnabled()).isEqualTo("Disabled");
    }
  }

  @Test
  void unknownProfilesAndFaultsAreRefusedNamingTheField() {
    assertThatThrownBy(() -> VendorProfile.named("acme")).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("profile").hasMessageContaining("idrac");
    assertThatThrownBy(() -> Fault.parse("5xx")).hasMessageContaining("needs a value");
    assertThatThrownBy(() -> Fault.parse("boom:1")).hasMessageContaining("unknown fault");
    assertThat(Fault.parse("task").value()).isEqualTo(300);
  }
}
