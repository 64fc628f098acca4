package lackey.api;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Tells the caller, in the response, about what succeeded only in part. */
final class Warnings {

    private Warnings() {
    }

    /**
     * The transition stands even when its event could not be published; say so rather than hide it. "Not
     * confirmed": when EventBridge's answer was lost the event may have gone out all the same (EventBridge and its
     * consumers are at-least-once anyway).
     */
    static void unpublished(ObjectNode body, boolean published, String detailType) {
        if (!published) {
            body.putArray("warnings").add("the " + detailType + " event could not be published (EventBridge did not confirm it); the change itself is stored");
        }
    }
}
