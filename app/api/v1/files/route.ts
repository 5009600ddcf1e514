// GET /api/v1/files — list the caller's files with filters, sort and paging
import { withApi } from "@/lib/api/with-api";
import { listFiles } from "@/lib/files/list";
import { listFilesQuerySchema } from "@/lib/files/schemas";

export const GET = withApi(
  async ({ req, ctx }) => {
    const params = req.nextUrl.searchParams;
    const query: Record<string, unknown> = Object.fromEntries(params.entries());
    query.tags = params.getAll("tags").length ? params.getAll("tags") : undefined;
    return listFiles(ctx, listFilesQuerySchema.parse(query));
  },
  { permission: "files.read" },
);
