package nettboot.core.redfish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.List;
import nettboot.core.error.InvalidInputException;
import org.junit.jupiter.api.Test;

/** BMC URLs with a path prefix, system selectors, where requests go, and what the BMC said. */
class BmcTargetTest {
  private static BmcTarget target(String url, String system) {
    return new BmcTarget("n", URI.create(url), new BmcCredentials("u", "p"), new BmcTrust.Insecure(), system);
  }

  @Test
  void aPathPrefixIsKeptAndATrailingRedfishRootDropped() {
    assertThat(BmcTarget.requireBmcUrl("url", "https://[fd00::1]:8443/bmc7/").toString())
        .isEqualTo("https://[fd00::1]:8443/bmc7");
    assertThat(BmcTarget.requireBmcUrl("url", "https://[fd00::1]/chassis/2/redfish/v1/").toString())
        .isEqualTo("https://[fd00::1]/chassis/2");
    assertThat(BmcTarget.requireBmcUrl("url", "https://[fd00::1]/").toString()).isEqualTo("https://[fd00::1]");
    assertThatThrownBy(() -> BmcTarget.requireBmcUrl("url", "https://[fd00::1]/a/../b"))
        .isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> BmcTarget.requireBmcUrl("url", "https://[fd00::1]/a b"))
        .isInstanceOf(InvalidInputException.class);
  }

  @Test
  void requestsGoUnderThePrefixAndNeverToAnotherHost() {
    RedfishHttp http = new RedfishHttp(null, null, target("https://[fd00::1]:8443/bmc7", null),
        RedfishOptions.defaults(), new ReportBuilder("n", "b", Mode.DISCOVER));
    assertThat(http.absolute("/redfish/v1/")).isEqualTo("https://[fd00::1]:8443/bmc7/redfish/v1/");
    // a proxy that rewrites the BMC's links already carries the prefix
    assertThat(http.absolute("/bmc7/redfish/v1/Systems/1")).isEqualTo("https://[fd00::1]:8443/bmc7/redfish/v1/Systems/1");
    assertThat(http.absolute("https://evil.example/redfish/v1/Systems/1?x=1"))
        .isEqualTo("https://[fd00::1]:8443/bmc7/redfish/v1/Systems/1?x=1");
    RedfishHttp plain = new RedfishHttp(null, null, target("https://[fd00::1]", null), RedfishOptions.defaults(),
        new ReportBuilder("n", "b", Mode.DISCOVER));
    assertThat(plain.absolute("/redfish/v1/Systems")).isEqualTo("https://[fd00::1]/redfish/v1/Systems");
  }

  @Test
  void systemSelectorsAreAnIdOrASystemsOdataId() {
    assertThat(target("https://h", "System.Embedded.1").system()).isEqualTo("System.Embedded.1");
    assertThat(target("https://h", "/redfish/v1/Systems/2").display()).isEqualTo("https://h system /redfish/v1/Systems/2");
    assertThatThrownBy(() -> target("https://h", "/redfish/v1/Managers/1")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> target("https://h", "a b")).isInstanceOf(InvalidInputException.class);
    assertThatThrownBy(() -> target("https://h", " ")).isInstanceOf(InvalidInputException.class);
    List<String> members = List.of("/redfish/v1/Systems/Node1", "/redfish/v1/Systems/Node2/");
    assertThat(Discovery.select(members, "Node2")).isEqualTo("/redfish/v1/Systems/Node2/");
    assertThat(Discovery.select(members, "/redfish/v1/Systems/Node1")).isEqualTo("/redfish/v1/Systems/Node1");
    assertThat(Discovery.select(members, "Node3")).isNull();
  }

  @Test
  void theBmcsMessageComesFirstThenExtendedMessagesThenIds() {
    JsonObject body = new JsonObject().put("error", new JsonObject().put("code", "Base.1.0.GeneralError")
        .put("message", "Cannot download virtual media: got error 404 from the server")
        .put("@Message.ExtendedInfo", new io.vertx.core.json.JsonArray()
            .add(new JsonObject().put("MessageId", "Base.1.8.ResourceAtUriUnauthorized")
                .put("Message", "While accessing the resource at http://m/x.iso, the service received an "
                    + "authorization error 401."))));
    RedfishResponse r = new RedfishResponse(400, null, null, null, null, body, body.encode());
    assertThat(r.bmcSaid()).isEqualTo("Cannot download virtual media: got error 404 from the server; While "
        + "accessing the resource at http://m/x.iso, the service received an authorization error 401. "
        + "[Base.1.8.ResourceAtUriUnauthorized, Base.1.0.GeneralError]");
    JsonObject only = new JsonObject().put("error", new JsonObject().put("code", "Base.1.0.GeneralError")
        .put("message", "Cannot download virtual media"));
    assertThat(new RedfishResponse(401, null, null, null, null, only, only.encode()).bmcSaid())
        .isEqualTo("Cannot download virtual media [Base.1.0.GeneralError]");
  }
}
