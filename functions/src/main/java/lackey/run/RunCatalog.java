package lackey.run;

/**
 * Port: finds runs by status, name prefix, tag and schedule time, newest first, a page at a time.
 * Implementations read an index made for it (never every run) and stop once the page is full.
 */
public interface RunCatalog {

    /** One page of the runs the query selects, newest first, with the cursor of the next page if there is one. */
    RunPage list(RunQuery query);
}
