// TaskQueue: hands work from the HTTP thread to the pipeline's thread. The
// pipeline runs what is pending between batches of lines, and waits on the
// queue when it has no input left. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>

#include "server/pipeline_control.h"

namespace defender {

class TaskQueue {
 public:
  using Task = std::function<void(PipelineControl&)>;

  void Post(Task task) {
    {
      std::lock_guard lock(mu_);
      tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
  }
  // Ends the pipeline's serve loop.
  void Stop() {
    {
      std::lock_guard lock(mu_);
      stopped_ = true;
    }
    cv_.notify_one();
  }
  bool stopped() const {
    std::lock_guard lock(mu_);
    return stopped_;
  }
  // Runs the pending tasks on the calling (pipeline) thread; with a timeout,
  // first waits that long for one to arrive.
  void RunPending(PipelineControl& pipeline, std::chrono::milliseconds wait = std::chrono::milliseconds(0)) {
    std::deque<Task> batch;
    {
      std::unique_lock lock(mu_);
      if (wait.count() > 0) cv_.wait_for(lock, wait, [&] { return !tasks_.empty() || stopped_; });
      batch.swap(tasks_);
    }
    for (Task& t : batch) t(pipeline);
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Task> tasks_;
  bool stopped_ = false;
};

}  // namespace defender
