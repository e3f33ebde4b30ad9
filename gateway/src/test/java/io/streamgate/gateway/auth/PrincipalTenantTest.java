package io.streamgate.gateway.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PrincipalTenantTest {
  @Test
  void aTenantReadsOnlyKeysWithItsPrefix() {
    Principal acme = new Principal("s", Set.of("views:read"), null, "acme");
    assertTrue(acme.tenantBound());
    assertTrue(acme.canReadKey("acme:o1"));
    assertTrue(acme.canReadKey("acme:a:b"));
    assertFalse(acme.canReadKey("acme:"), "the tenant prefix alone is no key of the tenant");
    assertFalse(acme.canReadKey("acme"));
    assertFalse(acme.canReadKey("acmeco:o1"), "a tenant whose name extends acme's is another");
    assertFalse(acme.canReadKey("globex:o1"));
    assertFalse(acme.canReadKey("o1"));
  }

  @Test
  void withoutATenantEveryKeyIsReadable() {
    Principal p = new Principal("s", Set.of("views:read"), "trial");
    assertFalse(p.tenantBound());
    assertTrue(p.canReadKey("globex:o1"));
    assertTrue(p.canReadKey("o1"));
    assertNull(p.foreignKeysProblem(List.of("globex:o1", "o1")));
  }

  @Test
  void theProblemNamesTheFirstFiveForeignKeysAndCountsTheRest() {
    Principal acme = new Principal("s", Set.of("views:read"), null, "acme");
    assertNull(acme.foreignKeysProblem(List.of("acme:o1", "acme:o2")));
    assertEquals("the token is limited to tenant 'acme', whose keys start with 'acme:'; not: "
        + "k1, k2, k3, k4, k5 and 2 more",
        acme.foreignKeysProblem(List.of("acme:o1", "k1", "k2", "k3", "k4", "k5", "k6", "k7")));
  }
}
