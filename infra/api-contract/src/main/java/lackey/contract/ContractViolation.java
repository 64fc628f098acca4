package lackey.contract;

/**
 * An answer of the API that openapi.yaml does not allow: an undocumented operation or status, a missing
 * header, a wrong content type, or a body its schema refuses. An {@link AssertionError}, so a test that
 * meets one fails rather than errs.
 */
public final class ContractViolation extends AssertionError {

    public ContractViolation(String message) {
        super(message);
    }
}
