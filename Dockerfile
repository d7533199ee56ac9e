# The xform tool image: compiled with the .NET SDK, run on the .NET runtime as a non-root user.
#   docker build -t xform .
#   docker run --rm -v "$PWD:/project" xform build          # a project mounted at /project
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props ./
COPY src/ src/
RUN dotnet publish src/Xform.Cli -c Release -o /out

FROM mcr.microsoft.com/dotnet/runtime:10.0
COPY --from=build /out /opt/xform
# The runtime image's unprivileged user; the mounted project must be writable by it (target/, the DuckDB file).
USER app
WORKDIR /project
ENTRYPOINT ["dotnet", "/opt/xform/xform.dll"]
CMD ["--help"]
