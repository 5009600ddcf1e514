// /api/inngest — Inngest serve endpoint (functions run here)
import { serve } from "inngest/next";
import { functions } from "@/inngest";
import { inngest } from "@/inngest/client";

export const { GET, POST, PUT } = serve({ client: inngest, functions });
