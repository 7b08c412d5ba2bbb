package nettboot.edge;

import java.time.Clock;
import nettboot.core.artifact.ArtifactStore;
import nettboot.core.store.MachineStore;

/** What every listener instance shares: configuration, store, artifacts, metrics, log, clock. */
record EdgeServices(
    EdgeConfig config,
    MachineStore store,
    ArtifactStore artifacts,
    Metrics metrics,
    JsonLog log,
    Clock clock,
    CertificateStatus certificates,
    /* null when config delivery is off */ nettboot.core.store.ConfigStore configs,
    ConfigDelivery delivery,
    InstallTracker installs,
    /* client-certificate verification shared by the mTLS listeners */ VerifiedClientCertificates clientTrust,
    /* artifact streaming: chunks in flight, one budget per event loop */ ChunkBudget.PerLoop chunkBudgets) {}
