package lackey.run;

/** Port: hands out unique run ids without reading and without one hot counter per request. */
public interface RunIds {
    RunId next();
}
