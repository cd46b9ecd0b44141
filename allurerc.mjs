// Allure 3 configuration for the Pressluft acceptance suite's HTML report.
// Used by scripts/report; the paths below can be overridden through the
// environment so that tests can build a report without touching reports/.
import { env } from "node:process";

export default {
  name: env.ALLURE_REPORT_NAME || "Pressluft Wave 5 acceptance",
  output: env.ALLURE_OUTPUT || "./reports/allure-report",
  // One JSON line per run; Allure reads it for trends and history and appends the new run.
  historyPath: env.ALLURE_HISTORY_PATH || "./reports/history.jsonl",
  historyLimit: 50,
  plugins: {
    awesome: {
      options: {
        reportName: env.ALLURE_REPORT_NAME || "Pressluft Wave 5 acceptance",
        // scripts/report --single-file: one index.html holding everything, which opens from disk
        singleFile: env.ALLURE_SINGLE_FILE === "1",
        // the tree reads like the spec: Epic "Wave 5 runtime e2e" → the feature → the spec item (story)
        groupBy: ["epic", "feature", "story"],
      },
    },
  },
};
