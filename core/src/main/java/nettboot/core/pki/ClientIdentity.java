package nettboot.core.pki;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.security.auth.x500.X500Principal;
import nettboot.core.machine.Names;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;

/**
 * Who a verified client certificate speaks for. The edge calls {@link #of} on the peer certificate
 * after the TLS stack has validated its chain against the platform root; this class only reads the
 * subject, it does not verify anything cryptographically.
 *
 * <p>{@code subject} is the RFC 2253 subject string, used as the audit actor.
 */
public sealed interface ClientIdentity {
  /** OU value of tenant client certificates. */
  String TENANT_OU = "tenant";
  /** OU value of admin/service client certificates. */
  String ADMIN_OU = "admin";

  String subject();

  /** A tenant boot medium: {@code CN=<name>.<bootDomain>, OU=tenant}. */
  record Tenant(String name, String subject) implements ClientIdentity {
    public Tenant {
      Objects.requireNonNull(name);
      Objects.requireNonNull(subject);
    }
  }

  /** An administrator or service: {@code CN=<name>, OU=admin}. */
  record Admin(String name, String subject) implements ClientIdentity {
    public Admin {
      Objects.requireNonNull(name);
      Objects.requireNonNull(subject);
    }
  }

  /** Anything else: wrong OU, wrong domain, malformed CN, several CNs/OUs, no clientAuth. */
  record Unrecognised(String subject) implements ClientIdentity {
    public Unrecognised {
      Objects.requireNonNull(subject);
    }
  }

  /**
   * Classifies a (verified) client certificate.
   *
   * <p>Tenant: exactly one OU, equal to "tenant", and exactly one CN of the form {@code
   * <label>.<bootDomain>} where the label is a valid tenant name. Admin: exactly one OU "admin" and
   * exactly one CN that is a valid admin name. A certificate whose extended key usage is present
   * and lacks clientAuth is never a client identity.
   */
  static ClientIdentity of(X509Certificate certificate, String bootDomain) {
    X500Principal principal = certificate.getSubjectX500Principal();
    String subject = principal.getName(X500Principal.RFC2253);
    if (!clientAuthAllowed(certificate)) {
      return new Unrecognised(subject);
    }
    X500Name name;
    try {
      name = X500Name.getInstance(principal.getEncoded());
    } catch (RuntimeException e) {
      return new Unrecognised(subject);
    }
    String ou = single(name, BCStyle.OU);
    String cn = single(name, BCStyle.CN);
    if (ou == null || cn == null) {
      return new Unrecognised(subject);
    }
    if (ou.equals(TENANT_OU)) {
      String suffix = "." + bootDomain;
      if (bootDomain != null && !bootDomain.isEmpty() && cn.endsWith(suffix)) {
        String label = cn.substring(0, cn.length() - suffix.length());
        if (Names.DNS_LABEL.matcher(label).matches()) {
          return new Tenant(label, subject);
        }
      }
      return new Unrecognised(subject);
    }
    if (ou.equals(ADMIN_OU) && Names.ADMIN.matcher(cn).matches()) {
      return new Admin(cn, subject);
    }
    return new Unrecognised(subject);
  }

  /** The value of the only attribute of this type, or null when absent, repeated or multi-valued. */
  private static String single(X500Name name, ASN1ObjectIdentifier type) {
    RDN[] rdns = name.getRDNs(type);
    if (rdns.length != 1 || rdns[0].isMultiValued()) {
      return null;
    }
    AttributeTypeAndValue atv = rdns[0].getFirst();
    if (atv == null || !type.equals(atv.getType())) {
      return null;
    }
    return atv.getValue() instanceof ASN1String str ? str.getString() : null;
  }

  private static boolean clientAuthAllowed(X509Certificate certificate) {
    try {
      List<String> eku = certificate.getExtendedKeyUsage();
      return eku == null || eku.contains("1.3.6.1.5.5.7.3.2") || eku.contains("2.5.29.37.0");
    } catch (CertificateParsingException e) {
      return false;
    }
  }
}
