/** @type {import('next').NextConfig} */
export default {
  // Keep `next dev` from writing AGENTS.md into the example and from pausing on upgrade reminders.
  agentRules: false,
  experimental: { agentUpgrade: false },
  devIndicators: false,
};
