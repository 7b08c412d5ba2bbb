package nettboot.core.redfish;

/** Ends a flow at a step with a one-line reason; internal to the flow, turned into the report. */
final class StepFailure extends RuntimeException {
  private final String step;

  StepFailure(String step, String reason) {
    super(OneLine.of(reason), null, false, false);
    this.step = step;
  }

  String step() {
    return step;
  }
}
