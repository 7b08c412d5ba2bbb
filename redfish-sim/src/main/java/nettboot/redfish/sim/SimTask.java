package nettboot.redfish.sim;

import io.vertx.core.json.JsonObject;

/** A long-running operation behind a 202: Running until its work finishes, then Completed or Exception. */
final class SimTask {
  final String id;
  String state = "Running";
  String message = "";
  String messageId = "";

  SimTask(String id) {
    this.id = id;
  }

  String uri() {
    return "/redfish/v1/TaskService/Tasks/" + id;
  }

  String monitor() {
    return "/redfish/v1/TaskService/TaskMonitors/" + id;
  }

  JsonObject json() {
    JsonObject t = new JsonObject()
        .put("@odata.type", "#Task.v1_7_0.Task")
        .put("@odata.id", uri())
        .put("Id", id)
        .put("Name", "Task " + id)
        .put("TaskState", state)
        .put("TaskStatus", state.equals("Exception") ? "Critical" : "OK")
        .put("TaskMonitor", monitor());
    if (!message.isEmpty()) {
      t.put("Messages", new io.vertx.core.json.JsonArray().add(new JsonObject()
          .put("MessageId", messageId).put("Message", message)));
    }
    return t;
  }
}
