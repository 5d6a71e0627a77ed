package dev.lastmile.kpi.embedded;

import java.util.List;
import java.util.Map;

/** A registry that knows its subjects: each with the global ids of its versions, oldest (version 1) first. */
interface SubjectVersions {

    Map<String, List<Integer>> subjects();
}
