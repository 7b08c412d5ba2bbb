package nettboot.edge;

import java.time.Clock;
import java.util.function.Supplier;
import nettboot.core.admin.AdminService;
import nettboot.core.artifact.ArtifactStore;
import nettboot.core.boot.BootService;
import nettboot.core.delivery.ConfigDelivery;
import nettboot.core.store.MachineStore;
import nettboot.core.talos.events.InstallEvidence;

/**
 * What every listener instance shares: configuration, store, artifacts, the domain services,
 * metrics, log, clock.
 */
record EdgeServices(
    EdgeConfig config,
    MachineStore store,
    ArtifactStore artifacts,
    Metrics metrics,
    JsonLog log,
    Clock clock,
    CertificateStatus certificates,
    /* empty while the store answers the readiness probe in time, else why not */ Supplier<String> storeReadiness,
    /* the domain services each listener calls */ BootService boot,
    ConfigDelivery delivery,
    /* null when the events sink is off */ InstallEvidence evidence,
    AdminService admin,
    /* the admin API contract, served as is */ String openapi,
    /* client-certificate verification shared by the mTLS listeners */ VerifiedClientCertificates clientTrust,
    /* artifact streaming: chunks in flight, one budget per event loop */ ChunkBudget.PerLoop chunkBudgets,
    /* wakes the followers of the event feed */ EventSignal eventSignal,
    /* revoked client certificates (inventory and external CRLs) */ Revocations revocations,
    /* the TLS listeners whose certificate is reloaded when its files change */ ServerCertificateReload reload) {}
