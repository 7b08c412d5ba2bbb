package nettboot.redfish.sim;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/** Renders the simulated BMC's resources as Redfish JSON (schema types as real services name them). */
final class RedfishModel {
  static final String ROOT = "/redfish/v1";
  private final VendorProfile p;
  private final boolean sessions;
  private final String systemId;

  RedfishModel(VendorProfile profile, boolean sessions) {
    this(profile, sessions, profile.systemIds().get(0));
  }

  /** The model as seen from one of the profile's systems. */
  RedfishModel(VendorProfile profile, boolean sessions, String systemId) {
    this.p = profile;
    this.sessions = sessions;
    this.systemId = systemId;
  }

  RedfishModel forSystem(String id) {
    return new RedfishModel(p, sessions, id);
  }

  String systemUri() {
    return ROOT + "/Systems/" + systemId;
  }

  List<String> systemUris() {
    return p.systemIds().stream().map(id -> ROOT + "/Systems/" + id).toList();
  }

  String mediaCollection() {
    return p.mediaCollection(systemId);
  }

  String managerUri() {
    return ROOT + "/Managers/" + p.managerId();
  }

  String slotUri(String id) {
    return mediaCollection() + "/" + id;
  }

  static JsonObject link(String uri) {
    return new JsonObject().put("@odata.id", uri);
  }

  JsonObject serviceRoot() {
    JsonObject r = new JsonObject()
        .put("@odata.type", "#ServiceRoot.v1_15_0.ServiceRoot")
        .put("@odata.id", ROOT + "/")
        .put("Id", "RootService")
        .put("Name", "Root Service")
        .put("RedfishVersion", "1.17.0")
        .put("Vendor", p.vendor())
        .put("Product", "nett-boot redfish-sim (" + p.name() + ")")
        .put("Systems", link(ROOT + "/Systems"))
        .put("Managers", link(ROOT + "/Managers"))
        .put("TaskService", link(ROOT + "/TaskService"));
    if (sessions) {
      r.put("SessionService", link(ROOT + "/SessionService"))
          .put("Links", new JsonObject().put("Sessions", link(ROOT + "/SessionService/Sessions")));
    }
    return r;
  }

  JsonObject sessionService() {
    return new JsonObject().put("@odata.type", "#SessionService.v1_1_9.SessionService")
        .put("@odata.id", ROOT + "/SessionService").put("Id", "SessionService").put("Name", "Session Service")
        .put("ServiceEnabled", true).put("SessionTimeout", 1800)
        .put("Sessions", link(ROOT + "/SessionService/Sessions"));
  }

  JsonObject collection(String type, String uri, String name, List<String> members) {
    JsonArray m = new JsonArray();
    members.forEach(u -> m.add(link(u)));
    return new JsonObject().put("@odata.type", "#" + type + "Collection." + type + "Collection")
        .put("@odata.id", uri).put("Name", name).put("Members", m).put("Members@odata.count", members.size());
  }

  JsonObject session(String id, String user) {
    return new JsonObject().put("@odata.type", "#Session.v1_7_0.Session")
        .put("@odata.id", ROOT + "/SessionService/Sessions/" + id).put("Id", id).put("Name", "User Session")
        .put("UserName", user);
  }

  JsonObject system(BmcState s) {
    JsonObject boot = new JsonObject()
        .put("BootSourceOverrideTarget", s.bootTarget)
        .put("BootSourceOverrideTarget@Redfish.AllowableValues", new JsonArray(p.bootTargets()))
        .put("BootSourceOverrideEnabled", s.bootEnabled)
        .put("BootSourceOverrideEnabled@Redfish.AllowableValues", new JsonArray(p.enabledValues()))
        .put("BootSourceOverrideMode", s.bootMode)
        .put("BootSourceOverrideMode@Redfish.AllowableValues", new JsonArray().add("Legacy").add("UEFI"));
    JsonObject sys = new JsonObject()
        .put("@odata.type", "#ComputerSystem.v1_20_0.ComputerSystem")
        .put("@odata.id", systemUri())
        .put("@odata.etag", s.systemEtag())
        .put("Id", systemId)
        .put("Name", "Simulated server")
        .put("UUID", s.uuid)
        .put("SystemType", "Physical")
        .put("Manufacturer", p.vendor())
        .put("PowerState", s.powerState)
        .put("Boot", boot)
        .put("Links", new JsonObject().put("ManagedBy", new JsonArray().add(link(managerUri()))))
        .put("Actions", new JsonObject().put("#ComputerSystem.Reset", new JsonObject()
            .put("target", systemUri() + "/Actions/ComputerSystem.Reset")
            .put("@Redfish.ActionInfo", systemUri() + "/ResetActionInfo")));
    if (p.mediaUnderSystems()) {
      sys.put("VirtualMedia", link(mediaCollection()));
    }
    if (s.mac != null) {
      sys.put("EthernetInterfaces", link(systemUri() + "/EthernetInterfaces"));
    }
    if (p.refuseBootDuringPost()) {
      sys.put("Oem", new JsonObject().put("Sim", new JsonObject()
          .put("PostState", s.inPost(System.currentTimeMillis()) ? "InPost" : "FinishedPost")));
    }
    return sys;
  }

  JsonObject ethernetInterfaces(BmcState s) {
    return collection("EthernetInterface", systemUri() + "/EthernetInterfaces", "Ethernet Interfaces",
        s.mac == null ? List.of() : List.of(systemUri() + "/EthernetInterfaces/NIC1"));
  }

  JsonObject ethernetInterface(BmcState s) {
    return new JsonObject().put("@odata.type", "#EthernetInterface.v1_12_0.EthernetInterface")
        .put("@odata.id", systemUri() + "/EthernetInterfaces/NIC1").put("Id", "NIC1").put("Name", "NIC 1")
        .put("MACAddress", s.mac.toUpperCase(java.util.Locale.ROOT)).put("PermanentMACAddress", s.mac);
  }

  JsonObject resetActionInfo() {
    return new JsonObject().put("@odata.type", "#ActionInfo.v1_3_0.ActionInfo")
        .put("@odata.id", systemUri() + "/ResetActionInfo").put("Id", "ResetActionInfo")
        .put("Parameters", new JsonArray().add(new JsonObject().put("Name", "ResetType").put("Required", true)
            .put("DataType", "String").put("AllowableValues", new JsonArray(SimPower.RESET_TYPES))));
  }

  JsonObject manager() {
    JsonObject m = new JsonObject().put("@odata.type", "#Manager.v1_19_0.Manager")
        .put("@odata.id", managerUri()).put("Id", p.managerId()).put("Name", "Simulated BMC")
        .put("ManagerType", "BMC").put("Model", "redfish-sim " + p.name()).put("FirmwareVersion", "sim-1.0")
        .put("Links", new JsonObject().put("ManagerForServers",
            new JsonArray(systemUris().stream().map(RedfishModel::link).toList())));
    if (!p.mediaUnderSystems()) {
      m.put("VirtualMedia", link(p.mediaCollection()));
    }
    return m;
  }

  JsonObject slot(SlotState s) {
    String uri = slotUri(s.spec.id());
    JsonObject j = new JsonObject()
        .put("@odata.type", "#VirtualMedia.v1_6_0.VirtualMedia")
        .put("@odata.id", uri)
        .put("@odata.etag", s.etag())
        .put("Id", s.spec.id())
        .put("Name", "Virtual Media " + s.spec.id())
        .put("MediaTypes", new JsonArray(s.spec.mediaTypes()))
        .put("Image", s.image)
        .put("ImageName", s.image == null ? null : s.image.substring(s.image.lastIndexOf('/') + 1))
        .put("Inserted", s.inserted)
        .put("WriteProtected", s.writeProtected)
        .put("ConnectedVia", s.inserted ? "URI" : "NotConnected");
    if (p.mediaActions()) {
      JsonObject insert = new JsonObject().put("target", uri + "/Actions/VirtualMedia.InsertMedia");
      if (p.insertActionInfo()) {
        insert.put("@Redfish.ActionInfo", uri + "/InsertMediaActionInfo");
      }
      if (p.protocolsOnAction()) {
        insert.put("TransferProtocolType@Redfish.AllowableValues", new JsonArray(p.protocols()));
      }
      j.put("Actions", new JsonObject()
          .put("#VirtualMedia.InsertMedia", insert)
          .put("#VirtualMedia.EjectMedia", new JsonObject().put("target", uri + "/Actions/VirtualMedia.EjectMedia")));
    }
    return j;
  }

  JsonObject insertActionInfo(String slotId) {
    JsonArray params = new JsonArray()
        .add(param("Image", "String", null))
        .add(param("Inserted", "Boolean", null))
        .add(param("WriteProtected", "Boolean", null))
        .add(param("TransferProtocolType", "String", p.protocols()))
        .add(param("TransferMethod", "String", List.of("Stream", "Upload")));
    return new JsonObject().put("@odata.type", "#ActionInfo.v1_3_0.ActionInfo")
        .put("@odata.id", slotUri(slotId) + "/InsertMediaActionInfo").put("Id", "InsertMediaActionInfo")
        .put("Parameters", params);
  }

  private JsonObject param(String name, String type, List<String> allowable) {
    JsonObject o = new JsonObject().put("Name", name).put("DataType", type)
        .put("Required", p.requiredInActionInfo().contains(name));
    if (allowable != null) {
      o.put("AllowableValues", new JsonArray(allowable));
    }
    return o;
  }

  JsonObject taskService() {
    return new JsonObject().put("@odata.type", "#TaskService.v1_2_0.TaskService")
        .put("@odata.id", ROOT + "/TaskService").put("Id", "TaskService").put("ServiceEnabled", true)
        .put("Tasks", link(ROOT + "/TaskService/Tasks"));
  }
}
