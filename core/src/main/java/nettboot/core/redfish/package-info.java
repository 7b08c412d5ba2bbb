/**
 * Redfish zero-touch provisioning: mount the tenant ISO as virtual media on a BMC, make the virtual
 * CD the permanent first boot device, reset. {@link nettboot.core.redfish.ProvisioningFlow} runs the
 * sequence of DESIGN §6 against one BMC and returns a {@link nettboot.core.redfish.ProvisionReport}
 * (never a failed future); {@link nettboot.core.redfish.FleetProvisioner} runs many with bounded
 * concurrency. Credentials never appear in reports, exceptions or logs.
 */
package nettboot.core.redfish;
