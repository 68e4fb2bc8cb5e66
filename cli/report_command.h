// `defender-scan report -o FILE [options of the main job] [FILE...]`: a dry
// run over the logs that writes what it read and decided as one HTML page
// (or JSON, by the output's extension or --report-format). Exit as the main
// job's; 1 if the report cannot be written.
#pragma once

#include <string>

#include "cli/config.h"
#include "cli/options.h"

namespace defender {

struct ReportOptions {
  std::string output;  // the file to write
  std::string format;  // html or json; empty: .json means json, else html
  size_t top = 50;     // attackers listed
};

int RunReportCommand(Options options, const ReportOptions& report, Config config);

}  // namespace defender
