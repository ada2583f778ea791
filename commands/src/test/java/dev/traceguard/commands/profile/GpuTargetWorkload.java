package dev.traceguard.commands.profile;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * A target JVM for {@code profile --gpu} tests, started with JCuda on its class path and nothing
 * of traceguard (so whatever of traceguard runs in it came with the agent). Prints READY, then
 * answers each line on standard input: {@code mbean} prints {@code MBEAN <registered>} for
 * traceguard's GPU MBean, {@code agent} prints {@code AGENT <loaded>} (whether the agent class
 * is loaded), {@code quit} exits.
 */
public final class GpuTargetWorkload {
  private GpuTargetWorkload() {}

  /** Runs until stdin closes or says quit. */
  public static void main(String[] args) throws Exception {
    MBeanServer server = ManagementFactory.getPlatformMBeanServer();
    ObjectName name = new ObjectName("dev.traceguard:type=GpuKernelStats");
    System.out.println("READY " + ProcessHandle.current().pid());
    System.out.flush();
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    String l;
    while ((l = in.readLine()) != null) {
      switch (l.trim()) {
        case "mbean" -> {
          // Only whether it is there: reading an attribute would renew the agent's lease.
          System.out.println("MBEAN " + server.isRegistered(name));
        }
        case "agent" -> {
          boolean loaded;
          try {
            Class.forName("dev.traceguard.gpu.agent.TraceguardAgent", false, ClassLoader.getSystemClassLoader());
            loaded = true;
          } catch (ClassNotFoundException e) {
            loaded = false;
          }
          System.out.println("AGENT " + loaded);
        }
        case "quit" -> {
          return;
        }
        default -> System.out.println("? " + l);
      }
      System.out.flush();
    }
  }
}
